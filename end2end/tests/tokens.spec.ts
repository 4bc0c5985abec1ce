// API tokens from the dashboard: create one (secret shown once), use it with the API, revoke it.
import { test, expect, openHydrated, uniqueName } from './fixtures';

test('a token created in the dashboard works on the API until it is revoked', async ({ page, playwright, baseURL }) => {
  await openHydrated(page, '/tokens');
  const name = uniqueName('ci');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Project').fill('default');
  await page.getByLabel('Role').selectOption('read');
  await page.getByRole('button', { name: 'Create token' }).click();

  const secret = (await page.getByTestId('new-token').textContent())!.trim();
  expect(secret).toMatch(/^hh_/);
  const row = page.locator(`tr[data-token="${name}"]`);
  await expect(row).toContainText('read');
  await expect(row).toContainText(secret.slice(0, 10));
  await expect(row).not.toContainText(secret);

  // A fresh client, as a script would be: no cookies, only the token.
  const api = await playwright.request.newContext({ baseURL });
  const headers = { authorization: `Bearer ${secret}` };
  const listed = await api.get('/api/v1/projects/default/subscriptions', { headers });
  expect(listed.status()).toBe(200);
  const refused = await api.post('/api/v1/projects/default/subscriptions', {
    headers,
    data: { name: 'nope', url: 'https://example.com' },
  });
  expect(refused.status()).toBe(403);

  await page.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(row).toHaveCount(0);
  const revoked = await api.get('/api/v1/projects/default/subscriptions', { headers });
  expect(revoked.status()).toBe(401);
  await api.dispose();
});
