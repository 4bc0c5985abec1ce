// Logging in and out of the dashboard: the login page, a wrong password, the session, logout.
import { test, expect, openHydrated, statusLogged, ADMIN } from './fixtures';

test.use({ loggedIn: false });

test('pages need a login, which returns to the page asked for; logout ends the session', async ({
  page,
  consoleGuard,
}) => {
  consoleGuard.allow(statusLogged(401));
  await page.goto('/tokens');
  await expect(page).toHaveURL(/\/login\?next=%2Ftokens$/);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');

  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('wrong username or password');
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/tokens$/);
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();
  await expect(page.getByTestId('username')).toHaveText(ADMIN.username);
  const cookie = (await page.context().cookies()).find((c) => c.name === 'hookhub_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/projects/default/subscriptions');
  await expect(page).toHaveURL(/\/login\?next=/);
});

test('the login form works before hydration too (a plain form post)', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/login?next=%2Fprojects%2Fdefault%2Fsubscriptions');
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/projects\/default\/subscriptions$/);
  await expect(page.getByRole('heading', { name: 'Subscriptions' })).toBeVisible();
  await context.close();
});

test('dashboard calls from another site are refused', async ({ page }) => {
  await page.goto('/login');
  const response = await page.request.post('/_hookhub/whoami', {
    headers: { origin: 'https://evil.example' },
  });
  expect(response.status()).toBe(403);
  await openHydrated(page, '/login');
});
