// Inbound handlers: a service object, a handler with its secret call URL, a call, a deletion.
import { test, expect, openHydrated, screenshot, uniqueName } from './fixtures';

test('a handler gets a call URL that counts its calls', async ({ page, playwright }, testInfo) => {
  await openHydrated(page, '/projects/default/inbound');
  const service = uniqueName('web');
  await page.getByText('New object').click();
  await page.getByLabel('Type').fill('service');
  await page.getByLabel('Name', { exact: true }).fill(service);
  await page.getByRole('button', { name: 'Create object' }).click();
  const card = page.locator(`article[data-object="${service}"]`);
  await expect(card).toBeVisible();

  await card.getByLabel('Handler name').fill('deploy-hook');
  await card.getByLabel('Operation').fill('redeploy');
  await card.getByRole('button', { name: 'Add handler' }).click();
  const row = card.locator('tr[data-handler="deploy-hook"]');
  await expect(row).toBeVisible();
  await expect(row.getByTestId('call-count')).toHaveText('0');
  const url = (await row.getByTestId('call-url').textContent())!.trim();
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/inbound\/[0-9a-f-]+\/[0-9a-f-]+$/);
  await row.getByText('curl', { exact: true }).click();
  await expect(row.locator('pre')).toHaveText(`curl -X POST ${url}`);
  await screenshot(page, testInfo, 'inbound');

  // Anyone with the URL may call it: no credentials.
  const anonymous = await playwright.request.newContext();
  const called = await anonymous.post(url);
  expect(called.ok()).toBe(true);
  await anonymous.dispose();
  await page.reload();
  await expect(row.getByTestId('call-count')).toHaveText('1');

  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await row.getByRole('button', { name: 'Delete handler deploy-hook' }).click();
  await expect(row).toHaveCount(0);
  await card.getByRole('button', { name: `Delete service ${service}` }).click();
  await expect(card).toHaveCount(0);
});
