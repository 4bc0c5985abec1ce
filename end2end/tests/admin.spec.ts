// Administration pages: users (create, change a role, disable and enable, set a password),
// projects (list and create), the audit log, and the registered delivery channels; a member sees
// none of the administrators' controls.
import type { Browser, Page } from '@playwright/test';
import { test, expect, openHydrated, screenshot, statusLogged, uniqueName } from './fixtures';

/** Creates a user through the users page; returns their username. */
async function createUser(page: Page, password: string) {
  await openHydrated(page, '/users');
  const username = uniqueName('ops');
  await page.getByText('New user').click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Full name').fill('Ops Person');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.locator(`tr[data-user="${username}"]`)).toContainText('Ops Person');
  return username;
}

/** Logs in through the login page of a fresh browser context; returns that page. */
async function logInAs(browser: Browser, baseURL: string | undefined, username: string, password: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await openHydrated(page, '/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  return page;
}

/** Nothing on the page is wider than the window. */
async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'page wider than the window').toBeLessThanOrEqual(0);
}

test('an administrator creates a user, who is then listed', async ({ page, consoleGuard }, testInfo) => {
  consoleGuard.allow(statusLogged(422));
  await openHydrated(page, '/users');
  const username = uniqueName('ops');
  await page.getByText('New user').click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Full name').fill('Ops Person');
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.locator('#field-password-error')).not.toBeEmpty();

  await page.getByLabel('Password', { exact: true }).fill('a long enough password');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.locator(`tr[data-user="${username}"]`)).toContainText('Ops Person');
  await expect(page.locator('tr[data-user="admin"]')).toContainText('admin');
  await screenshot(page, testInfo, 'users');
});

test("a member sees projects and the catalogue's mode, without the administrators' controls", async ({
  page,
  browser,
  baseURL,
}) => {
  const password = 'a long enough password';
  const username = await createUser(page, password);
  await openHydrated(page, '/projects');
  await expect(page.getByText('New project')).toBeVisible();
  await openHydrated(page, '/projects/default/event-types');
  await expect(page.locator('.strictness').getByRole('button')).toHaveCount(1);

  const member = await logInAs(browser, baseURL, username, password);
  await expect(member.getByTestId('username')).toHaveText(username);
  await openHydrated(member, '/projects');
  await expect(member.locator('tr', { hasText: 'default' }).first()).toBeVisible();
  await expect(member.getByText('New project')).toHaveCount(0);
  await openHydrated(member, '/projects/default/event-types');
  await expect(member.locator('.strictness [data-strict]')).toContainText(/Lenient\.|Strict\./);
  await expect(member.locator('.strictness').getByRole('button')).toHaveCount(0);
  await member.context().close();
});

for (const width of [1280, 390]) {
  test(`at ${width} px an administrator changes a role, disables a user and sets their password`, async ({
    page,
    browser,
    baseURL,
    consoleGuard,
  }, testInfo) => {
    consoleGuard.allow(statusLogged(409));
    await page.setViewportSize({ width, height: 900 });
    const username = await createUser(page, 'the first password');
    const row = page.locator(`tr[data-user="${username}"]`);

    // A role: member → admin, kept after a reload.
    await row.getByLabel(`Role of ${username}`).selectOption('admin');
    await expect(page.getByText(`${username} is now an administrator`)).toBeVisible();
    await openHydrated(page, '/users');
    await expect(row.getByLabel(`Role of ${username}`)).toHaveValue('admin');
    await row.getByLabel(`Role of ${username}`).selectOption('member');
    await expect(page.getByText(`${username} is now a member`)).toBeVisible();

    // The administrator cannot demote themself: the engine's refusal is shown.
    await page.locator('tr[data-user="admin"]').getByLabel('Role of admin').selectOption('member');
    await expect(page.getByText('you cannot demote or disable yourself')).toBeVisible();
    await expect(page.locator('tr[data-user="admin"]').getByLabel('Role of admin')).toHaveValue('admin');

    // Disabled: their login is refused.
    await row.getByRole('button', { name: `Disable ${username}` }).click();
    await row.getByRole('button', { name: 'Yes, disable' }).click();
    await expect(row.getByTestId('status')).toContainText('disabled');
    await expectNoSidewaysScroll(page);
    const refused = await logInAs(browser, baseURL, username, 'the first password');
    await expect(refused.getByRole('alert')).toContainText('disabled');
    await refused.context().close();

    // Enabled again, with a new password: the old one no longer works, the new one does.
    await row.getByRole('button', { name: `Enable ${username}` }).click();
    await row.getByRole('button', { name: 'Yes, enable' }).click();
    await expect(row.getByTestId('status')).toHaveText('enabled');
    const newPassword = row.getByLabel('New password');
    await row.locator('summary', { hasText: 'Reset password' }).click();
    await expect(newPassword).toBeVisible();
    await newPassword.fill('the second password');
    await row.getByRole('button', { name: 'Set password' }).click();
    await expect(page.getByText(`Password of ${username} set`)).toBeVisible();
    // After the form was used: Chromium lays out a closed <details> of a page captured whole with
    // zero size until something else changes the layout.
    await screenshot(page, testInfo, `users-${width}`);
    const old = await logInAs(browser, baseURL, username, 'the first password');
    await expect(old.getByRole('alert')).toContainText('wrong username or password');
    await old.context().close();
    const fresh = await logInAs(browser, baseURL, username, 'the second password');
    await expect(fresh).toHaveURL(/\/projects\/default/);
    await expect(fresh.getByTestId('username')).toHaveText(username);
    await fresh.context().close();

    // Each change is on the audit page, newest first, linked to the users page.
    await openHydrated(page, '/audit?actor=admin&action=user');
    const entries = page.locator('tbody tr');
    await expect(entries.first()).toHaveAttribute('data-action', 'user.password_reset');
    // Made an administrator, a member, disabled, enabled; the refused self-demotion is not there.
    expect(await page.locator('tr[data-action="user.updated"]').count()).toBeGreaterThanOrEqual(4);
    const updated = page.locator('tr[data-action="user.updated"]').first();
    await updated.getByText('Details').click();
    await expect(updated.locator('pre.json')).toContainText(username);
    await expectNoSidewaysScroll(page);
    await screenshot(page, testInfo, `audit-${width}`);
    await updated.getByRole('link').click();
    await expect(page).toHaveURL(/\/users$/);
  });

  test(`at ${width} px an administrator creates a project and finds it on the audit page`, async ({
    page,
    consoleGuard,
  }, testInfo) => {
    consoleGuard.allow(statusLogged(422));
    await page.setViewportSize({ width, height: 900 });
    await openHydrated(page, '/projects/default');
    // The project switcher's last choice leads to the projects page.
    await page.getByTestId('project-switcher').selectOption('*all');
    await expect(page).toHaveURL(/\/projects$/);
    await expect(page.locator('tr[data-project="default"]')).toBeVisible();

    await page.getByText('New project').click();
    const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Create project' }) });
    await form.getByLabel('Name').fill('Not A Slug');
    await form.getByRole('button', { name: 'Create project' }).click();
    await expect(page.locator('#field-name-error')).toContainText('lowercase');

    const name = uniqueName('team');
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Description').fill('made in the dashboard');
    await form.getByRole('button', { name: 'Create project' }).click();
    const row = page.locator(`tr[data-project="${name}"]`);
    await expect(row).toContainText('made in the dashboard');
    await expectNoSidewaysScroll(page);
    await screenshot(page, testInfo, `projects-${width}`);
    await row.getByRole('link', { name }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${name}$`));
    await expect(page.getByTestId('project-switcher')).toHaveValue(name);

    // The audit page, filtered through its form, links the entry to the new project.
    await openHydrated(page, '/audit');
    await page.getByLabel('Project', { exact: true }).fill(name);
    await page.getByLabel('Action').fill('project');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`project=${name}`));
    const entry = page.locator('tr[data-action="project.created"]');
    await expect(entry).toHaveCount(1);
    await expect(page.locator('tbody tr')).toHaveCount(1);
    await entry.getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`/projects/${name}$`));
  });
}

test('the channels page lists each delivery service with its config keys', async ({ page }, testInfo) => {
  await openHydrated(page, '/channels');
  await expect(page.locator('article[data-channel="http"]')).toContainText('body');
  await expect(page.locator('article[data-channel="log"]')).toBeVisible();
  await screenshot(page, testInfo, 'channels');
});
