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

test('a session ended in another tab sends the next step to the login, which returns there', async ({
  page,
  consoleGuard,
}) => {
  consoleGuard.allow(statusLogged(401));
  await page.goto('/login?next=%2Fprojects%2Fdefault%2Fsubscriptions');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Subscriptions' })).toBeVisible();

  const other = await page.context().newPage();
  await openHydrated(other, '/projects/default');
  await other.getByRole('button', { name: 'Log out' }).click();
  await expect(other).toHaveURL(/\/login$/);
  await other.close();

  // A click in the first tab, still showing the dashboard: no error page, the login instead.
  await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Deliveries' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fprojects%2Fdefault%2Fdeliveries$/);
  await expect(page.getByText('Something went wrong')).toHaveCount(0);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/projects\/default\/deliveries$/);
  await expect(page.getByRole('heading', { name: 'Deliveries' })).toBeVisible();
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
