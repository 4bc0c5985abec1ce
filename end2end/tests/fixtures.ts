// Shared test set-up: a page that has hydrated, and a guard that no console errors were logged.
import { test as base, expect, type Page } from '@playwright/test';

/** Opens a dashboard path and waits until the wasm app has taken over the server-rendered page. */
export async function openHydrated(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** A name no other test (or earlier run) uses. */
export function uniqueName(prefix: string) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Console errors a test expects, e.g. Chromium's log line for a deliberately rejected request. */
export interface ConsoleGuard {
  allow(pattern: RegExp): void;
}

/** The administrator the server starts with (playwright.config.ts passes the password). */
export const ADMIN = { username: 'admin', password: 'end-to-end password' };

/** Logs the page's browser context in, as the login form would without JavaScript. */
export async function logIn(page: Page) {
  const response = await page.request.post('/_hookhub/login', {
    form: { ...ADMIN, next: '/' },
    headers: { accept: 'text/html' },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(302);
}

/** Creates an API token through the dashboard's tokens page; returns its name and secret. */
export async function createToken(page: Page, role: 'read' | 'write' | 'admin', project = '') {
  await openHydrated(page, '/tokens');
  const name = uniqueName('token');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Project').fill(project);
  await page.getByLabel('Role').selectOption(role);
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = (await page.getByTestId('new-token').textContent())!.trim();
  return { name, secret };
}

export const test = base.extend<{ consoleGuard: ConsoleGuard; loggedIn: boolean }>({
  // Every test starts logged in unless it opts out with `test.use({ loggedIn: false })`.
  loggedIn: [true, { option: true }],
  page: async ({ page, loggedIn }, use) => {
    if (loggedIn) await logIn(page);
    await use(page);
  },
  // Fails the test on any console error or uncaught exception it did not declare.
  consoleGuard: [
    async ({ page }, use) => {
      const errors: string[] = [];
      const allowed: RegExp[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await use({ allow: (pattern) => allowed.push(pattern) });
      const unexpected = errors.filter((e) => !allowed.some((pattern) => pattern.test(e)));
      expect(unexpected, 'console errors during the test').toEqual([]);
    },
    { auto: true },
  ],
});

/** Chromium's console line for a response with this status. */
export const statusLogged = (status: number) =>
  new RegExp(`^Failed to load resource: the server responded with a status of ${status} `);

export { expect };
