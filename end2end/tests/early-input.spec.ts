// The subscription and catalogue forms before the app has hydrated: what is typed while the
// WebAssembly is on its way survives hydration, and a submit before it (or with JavaScript off) is
// a plain form post that still creates the subscription or comes back with the errors.
import { test, expect, apiClient, createProject, statusLogged, uniqueName } from './fixtures';
import type { Page } from '@playwright/test';

const NEW = '/projects/default/subscriptions/new';

/** Holds the bundle's download until the returned function is called. */
async function holdWasm(page: Page) {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/*.wasm', async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

test('what is typed before hydration is still there after it, and saves', async ({ page, receiver }) => {
  const release = await holdWasm(page);
  await page.goto(NEW);
  const name = uniqueName('early');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Endpoint URL').fill(receiver.url(`/ok/${name}`));
  // Every subscription here names its own event types: one that takes every event would
  // receive the other specs' events and change what they count.
  await page.getByLabel('Event types').fill(`${name}.*`);
  await page.getByLabel('Retry failed deliveries').uncheck();
  await page.getByLabel('Payload format').selectOption('ubiops');
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');

  release();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);
  await expect(page.getByLabel('Event types')).toHaveValue(`${name}.*`);
  await expect(page.getByLabel('Retry failed deliveries')).not.toBeChecked();
  await expect(page.getByLabel('Payload format')).toHaveValue('ubiops');

  await page.getByRole('button', { name: 'Create subscription' }).click();
  await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
  const summary = page.locator('.summary');
  await expect(summary).toContainText(`${name}.*`);
  await expect(summary).toContainText('ubiops');
});

test("the catalogue's form keeps what is typed before hydration, and declares it", async ({
  page,
  playwright,
  baseURL,
}) => {
  const api = await apiClient(page, playwright, baseURL);
  const project = await createProject(api, 'early-catalogue');
  const release = await holdWasm(page);
  await page.goto(`/projects/${project}/event-types`);
  const editor = page.locator('details.catalogue-editor');
  const type = `${uniqueName('early')}.paid`;
  await editor.getByLabel('Name', { exact: true }).fill(type);
  await editor.getByLabel('Description').fill('Typed before the app.');
  await editor.getByLabel('Deprecated: producers should move off it').check();
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');

  release();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(editor.getByLabel('Name', { exact: true })).toHaveValue(type);
  await expect(editor.getByLabel('Description')).toHaveValue('Typed before the app.');
  await expect(editor.getByLabel('Deprecated: producers should move off it')).toBeChecked();
  await editor.getByRole('button', { name: 'Declare type' }).click();
  await expect(page.getByTestId('toast').last()).toContainText(`Event type ${type} saved`);
  const declared = await (await api.get(`/api/v1/projects/${project}/event-types/${type}`)).json();
  expect(declared.description).toBe('Typed before the app.');
  expect(declared.deprecated).toBe(true);
  await api.dispose();
});

test.describe('without the app', () => {
  test('a submit before hydration posts the form and creates the subscription', async ({
    page,
    playwright,
    baseURL,
    receiver,
    consoleGuard,
  }) => {
    const api = await apiClient(page, playwright, baseURL);
    consoleGuard.allow(/net::ERR_FAILED|Failed to load resource|Failed to fetch/);
    await page.route('**/*.wasm', (route) => route.abort());
    await page.goto(NEW);
    const name = uniqueName('posted');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Endpoint URL').fill(receiver.url(`/ok/${name}`));
    await page.getByLabel('Event types').fill(`${name}.paid, ${name}.refund.*`);
    await page.getByLabel('Retry failed deliveries').uncheck();
    await page.getByRole('button', { name: 'Create subscription' }).click();

    await expect(page).toHaveURL(/\/projects\/default\/subscriptions\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop();
    const saved = await (await api.get(`/api/v1/projects/default/subscriptions/${id}`)).json();
    expect(saved.name).toBe(name);
    expect(saved.event_types).toEqual([`${name}.paid`, `${name}.refund.*`]);
    expect(saved.retry).toBe(false);
    expect(saved.enabled).toBe(true);
  });

  test('a refused post comes back to the form with the errors', async ({ page, consoleGuard }) => {
    consoleGuard.allow(/net::ERR_FAILED|Failed to load resource|Failed to fetch/);
    consoleGuard.allow(statusLogged(422));
    await page.route('**/*.wasm', (route) => route.abort());
    await page.goto(NEW);
    await page.getByLabel('Name', { exact: true }).fill(uniqueName('refused'));
    await page.getByLabel('Endpoint URL').fill('not a url');
    await page.getByRole('button', { name: 'Create subscription' }).click();

    await expect(page).toHaveURL(/\/subscriptions\/new\?/);
    await expect(page.locator('#field-url-error')).not.toBeEmpty();
  });
});

test.describe('with JavaScript off', () => {
  test.use({ javaScriptEnabled: false });

  test('the form still creates a subscription', async ({ page, receiver }) => {
    await page.goto(NEW);
    const name = uniqueName('nojs');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Endpoint URL').fill(receiver.url(`/ok/${name}`));
    await page.getByLabel('Event types').fill(`${name}.*`);
    await page.getByRole('button', { name: 'Create subscription' }).click();
    await expect(page).toHaveURL(/\/projects\/default\/subscriptions\/[0-9a-f-]{36}$/);
  });
});
