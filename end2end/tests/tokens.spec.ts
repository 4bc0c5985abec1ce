// API tokens from the dashboard: create one (secret shown once), use it with the API, revoke it.
import { test, expect, createToken } from './fixtures';

test('a token created in the dashboard works on the API until it is revoked', async ({ page, playwright, baseURL }) => {
  const { name, secret } = await createToken(page, 'read', 'default');
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

  // Revoking asks first and names the token; a cancel keeps it.
  await page.getByRole('button', { name: `Revoke ${name}` }).click();
  const confirm = page.getByRole('group', { name: 'Confirm revoking' });
  await expect(confirm).toContainText(name);
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(row).toHaveCount(1);
  await page.getByRole('button', { name: `Revoke ${name}` }).click();
  await page.getByRole('button', { name: 'Yes, revoke' }).click();
  await expect(row).toHaveCount(0);
  // The secret of the token just revoked is no longer offered for copying.
  await expect(page.getByTestId('new-token')).toHaveCount(0);
  const revoked = await api.get('/api/v1/projects/default/subscriptions', { headers });
  expect(revoked.status()).toBe(401);
  await api.dispose();
});
