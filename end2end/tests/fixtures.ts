// Shared test set-up: a page that has hydrated, and a guard that no console errors were logged.
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  await page.getByLabel('Project', { exact: true }).fill(project);
  await page.getByLabel('Role').selectOption(role);
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = (await page.getByTestId('new-token').textContent())!.trim();
  return { name, secret };
}

/** What the receiver got on one path. */
export interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A real HTTP receiver on loopback, as a customer's endpoint would be. Paths under `/ok/` answer
 * 200 with a JSON body; paths under `/flaky/` answer 500 until `heal(path)` is called.
 */
export interface Receiver {
  url(path: string): string;
  received(path: string): Received[];
  heal(path: string): void;
}

/** Saves a full-page screenshot as a test artifact (test-results/…, and in the HTML report). */
export async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

export const test = base.extend<
  { consoleGuard: ConsoleGuard; loggedIn: boolean },
  { receiver: Receiver }
>({
  receiver: [
    async ({}, use) => {
      const log = new Map<string, Received[]>();
      const healed = new Set<string>();
      const server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk) => (body += chunk));
        request.on('end', () => {
          const path = request.url ?? '/';
          log.set(path, [...(log.get(path) ?? []), { headers: request.headers, body }]);
          const failing = path.startsWith('/flaky/') && !healed.has(path);
          response.writeHead(failing ? 500 : 200, { 'content-type': 'application/json' });
          response.end(JSON.stringify(failing ? { error: 'receiver says no' } : { received: true }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      await use({
        url: (path) => `http://127.0.0.1:${port}${path}`,
        received: (path) => log.get(path) ?? [],
        heal: (path) => healed.add(path),
      });
      // Hookhub keeps its connections to the receiver alive and may still be sending retries:
      // `close` alone would wait for those connections to go quiet, which they need not do.
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
    { scope: 'worker' },
  ],
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

/** A client of the native API, as a script would be: no cookies, a token made in the dashboard. */
export async function apiClient(page: Page, playwright: any, baseURL: string | undefined) {
  const { secret } = await createToken(page, 'admin');
  return playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { authorization: `Bearer ${secret}` },
  }) as Promise<import('@playwright/test').APIRequestContext>;
}

/** Creates a project of its own through the native API; returns its name. */
export async function createProject(api: import('@playwright/test').APIRequestContext, prefix: string) {
  const name = uniqueName(prefix);
  const response = await api.post('/api/v1/projects', { data: { name } });
  expect(response.status(), await response.text()).toBe(201);
  return name;
}

/** Creates a subscription through the native API; returns its id. */
export async function createSubscription(
  api: import('@playwright/test').APIRequestContext,
  fields: Record<string, unknown>,
  project = 'default',
) {
  const response = await api.post(`/api/v1/projects/${project}/subscriptions`, { data: fields });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()).id as string;
}

/** Chromium's console line for a response with this status. */
export const statusLogged = (status: number) =>
  new RegExp(`^Failed to load resource: the server responded with a status of ${status} `);

export { expect };
