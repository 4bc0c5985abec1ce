// Administration pages: users (list and create) and the registered delivery channels.
import { test, expect, openHydrated, screenshot, statusLogged, uniqueName } from './fixtures';

test('an administrator creates a user, who is then listed', async ({ page, consoleGuard }, testInfo) => {
  consoleGuard.allow(statusLogged(422));
  await openHydrated(page, '/users');
  const username = uniqueName('ops');
  await page.getByText('New user').click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Full name').fill('Ops Person');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.locator('#field-password-error')).not.toBeEmpty();

  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.locator(`tr[data-user="${username}"]`)).toContainText('Ops Person');
  await expect(page.locator('tr[data-user="admin"]')).toContainText('admin');
  await screenshot(page, testInfo, 'users');
});

test('the channels page lists each delivery service with its config keys', async ({ page }, testInfo) => {
  await openHydrated(page, '/channels');
  await expect(page.locator('article[data-channel="http"]')).toContainText('body');
  await expect(page.locator('article[data-channel="log"]')).toBeVisible();
  await screenshot(page, testInfo, 'channels');
});
