// The event catalogue in the dashboard: declaring a type (the engine's objections beside their
// fields), sending its example, the event page showing the type beside the payload and the
// catalogue's objections to an event, and the type offered wherever a type is typed.
//
// Each test has a project of its own: once a project declares a type, every event of a type it
// does not declare is flagged, and other specs send such events to `default`.
import { test, expect, apiClient, createProject, openHydrated, screenshot, statusLogged, uniqueName } from './fixtures';

const SCHEMA = JSON.stringify({
  type: 'object',
  required: ['amount'],
  properties: { amount: { type: 'integer', minimum: 0 }, currency: { type: 'string' } },
});

for (const width of [1280, 390]) {
  test(`an operator declares a type, sends its example and sees the type beside the event (${width} px)`, async ({
    page,
    playwright,
    baseURL,
    consoleGuard,
  }, testInfo) => {
    consoleGuard.allow(statusLogged(422));
    await page.setViewportSize({ width, height: 900 });
    const api = await apiClient(page, playwright, baseURL);
    const project = await createProject(api, 'catalogue');
    const type = `${uniqueName('order')}.paid`;

    await openHydrated(page, `/projects/${project}/event-types`);
    await expect(page).toHaveTitle('Event types · Hookhub');
    await expect(page.getByText('No event types declared yet.')).toBeVisible();
    const editor = page.locator('details.catalogue-editor');
    await editor.getByLabel('Name', { exact: true }).fill(type);
    await editor.getByLabel('Group').fill('orders');
    await editor.getByLabel('Description').fill('An order was paid in full.');
    await editor.getByLabel('Example (JSON)').fill('{"amount": 5, "currency": "EUR"}');

    // A schema the engine cannot compile: refused, and said beside the schema.
    await editor.getByLabel('Schema (JSON Schema 2020-12)').fill('{"type": "nonsense"}');
    await editor.getByRole('button', { name: 'Declare type' }).click();
    await expect(page.locator('#field-schema-error')).not.toBeEmpty();
    await expect(editor.locator('.field.invalid')).toHaveCount(1);
    await expect(editor.getByLabel('Schema (JSON Schema 2020-12)')).toBeFocused();
    await expect(page.getByTestId('toast'), 'the form says it; no toast repeats it').toHaveCount(0);

    await editor.getByLabel('Schema (JSON Schema 2020-12)').fill(SCHEMA);
    await editor.getByRole('button', { name: 'Declare type' }).click();
    await expect(page.getByTestId('toast').last()).toContainText(`Event type ${type} saved`);
    const row = page.locator(`tr[data-event-type="${type}"]`);
    await expect(row).toContainText('orders');
    await expect(row).toContainText('An order was paid in full.');
    await expect(row.locator('.badge')).toHaveText('schema');
    await expect(editor.getByLabel('Name', { exact: true })).toHaveValue('');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, 'the catalogue is wider than the window').toBeLessThanOrEqual(0);
    await expect(page.getByTestId('toast')).toHaveCount(0, { timeout: 10_000 });
    await screenshot(page, testInfo, `catalogue-${width}`);

    // Changed through the same form, loaded by the row's "Edit".
    await row.getByRole('button', { name: `Edit ${type}` }).click();
    await expect(editor.getByLabel('Name', { exact: true })).toHaveValue(type);
    await expect(editor.getByLabel('Example (JSON)')).toHaveValue(/"currency": "EUR"/);
    await editor.getByLabel(/^Deprecated/).check();
    await editor.getByRole('button', { name: 'Save changes' }).click();
    await expect(row.locator('.badge.warn')).toHaveText('deprecated');

    // Its example, sent as an event of the type: the toast leads to it.
    await row.getByRole('button', { name: `Send example of ${type}` }).click();
    const toast = page.getByTestId('toast').last();
    await expect(toast).toContainText(`Example sent as a ${type} event`);
    await toast.getByRole('link', { name: 'Open the event' }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project}/events/`));
    await expect(page.getByRole('heading', { name: type })).toBeVisible();
    const entry = page.getByTestId('catalogue-entry');
    await expect(entry).toContainText('An order was paid in full.');
    await expect(entry.locator('pre.json').first()).toContainText('"required": [');
    await expect(entry.locator('pre.json').last()).toContainText('"currency": "EUR"');
    await expect(page.getByTestId('schema-errors')).toHaveCount(0);
    await screenshot(page, testInfo, `catalogue-event-${width}`);

    // Deleted behind a confirmation.
    await openHydrated(page, `/projects/${project}/event-types`);
    await row.getByRole('button', { name: `Delete ${type}` }).click();
    await page.getByRole('group', { name: 'Confirm deletion' }).getByRole('button', { name: 'Yes, delete' }).click();
    await expect(row).toHaveCount(0);
    await api.dispose();
  });

  test(`an event its type's schema refuses shows why, and the type is offered in the type inputs (${width} px)`, async ({
    page,
    playwright,
    baseURL,
  }, testInfo) => {
    await page.setViewportSize({ width, height: 900 });
    const api = await apiClient(page, playwright, baseURL);
    const project = await createProject(api, 'flagged');
    const type = `${uniqueName('refund')}.issued`;
    const declared = await api.post(`/api/v1/projects/${project}/event-types`, {
      data: { name: type, description: 'A refund went out.', schema: JSON.parse(SCHEMA) },
    });
    expect(declared.status(), await declared.text()).toBe(201);
    // The project is not strict: the event is kept, flagged.
    const sent = await api.post(`/api/v1/projects/${project}/events`, {
      data: { type, data: { amount: 'five' } },
    });
    expect(sent.status()).toBe(201);
    const event = (await sent.json()).event;
    expect(event.schema_errors).not.toBeNull();
    await api.dispose();

    await openHydrated(page, `/projects/${project}/events/${event.id}`);
    const warning = page.getByTestId('schema-errors');
    await expect(warning).toContainText("This event does not match its type's schema.");
    await expect(warning).toContainText('data.amount');
    await expect(page.getByTestId('catalogue-entry')).toContainText('A refund went out.');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, 'the event page is wider than the window').toBeLessThanOrEqual(0);
    await screenshot(page, testInfo, `flagged-event-${width}`);

    // Offered, not imposed: the inputs keep taking any text (wildcards too).
    const offers = [
      { path: 'subscriptions/new', input: page.getByLabel('Event types') },
      { path: 'events', input: page.locator('form[role="search"]').getByLabel('Type') },
      { path: 'deliveries', input: page.locator('form[role="search"]').getByLabel('Event type') },
    ];
    for (const { path, input } of offers) {
      await openHydrated(page, `/projects/${project}/${path}`);
      const list = await input.getAttribute('list');
      expect(list, `${path}: the type input has no datalist`).toBeTruthy();
      await expect(page.locator(`datalist[id="${list}"] option[value="${type}"]`)).toHaveCount(1);
    }
  });
}

test.describe('without the app', () => {
  test('the catalogue form declares a type as a plain post, and comes back with the objections', async ({
    page,
    playwright,
    baseURL,
    consoleGuard,
  }) => {
    const api = await apiClient(page, playwright, baseURL);
    const project = await createProject(api, 'catalogue-post');
    consoleGuard.allow(/net::ERR_FAILED|Failed to load resource|Failed to fetch/);
    await page.route('**/*.wasm', (route) => route.abort());
    await page.goto(`/projects/${project}/event-types`);
    const editor = page.locator('details.catalogue-editor');
    const type = `${uniqueName('order')}.paid`;

    await editor.getByLabel('Name', { exact: true }).fill(type);
    await editor.getByLabel('Schema (JSON Schema 2020-12)').fill('{"type": "nonsense"}');
    await editor.getByRole('button', { name: 'Declare type' }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project}/event-types\\?`));
    await expect(page.locator('#field-schema-error')).not.toBeEmpty();
    expect((await api.get(`/api/v1/projects/${project}/event-types/${type}`)).status()).toBe(404);

    await editor.getByLabel('Name', { exact: true }).fill(type);
    await editor.getByLabel('Description').fill('Posted before the app.');
    await editor.getByLabel('Schema (JSON Schema 2020-12)').fill(SCHEMA);
    await editor.getByLabel('Deprecated: producers should move off it').check();
    await editor.getByRole('button', { name: 'Declare type' }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project}/event-types$`));
    const row = page.locator(`tr[data-event-type="${type}"]`);
    await expect(row).toContainText('Posted before the app.');
    await expect(row).toContainText('deprecated');
    const declared = await (await api.get(`/api/v1/projects/${project}/event-types/${type}`)).json();
    expect(declared.schema).toEqual(JSON.parse(SCHEMA));
    expect(declared.deprecated).toBe(true);
    await api.dispose();
  });
});

test('an administrator makes the catalogue strict and lenient again, and ingest follows at once', async ({
  page,
  playwright,
  baseURL,
  consoleGuard,
}) => {
  const api = await apiClient(page, playwright, baseURL);
  const project = await createProject(api, 'strict');
  const send = async () =>
    (await api.post(`/api/v1/projects/${project}/events`, { data: { type: 'undeclared.thing', data: {} } })).status();
  expect(await send()).toBe(201);

  await openHydrated(page, `/projects/${project}/event-types`);
  const strictness = page.locator('.strictness');
  const mode = strictness.locator('[data-strict]');
  await expect(mode).toHaveAttribute('data-strict', 'false');
  await expect(mode).toContainText('Lenient.');
  await strictness.getByRole('button', { name: 'Refuse them instead' }).click();
  await expect(mode).toHaveAttribute('data-strict', 'true');
  await expect(mode).toContainText('Strict.');
  await expect(page.getByTestId('toast').last()).toContainText(`${project}: Strict.`);
  expect(await send()).toBe(422);
  const shown = await (await api.get(`/api/v1/projects/${project}`)).json();
  expect(shown.strict).toBe(true);

  await strictness.getByRole('button', { name: 'Accept and flag them instead' }).click();
  await expect(mode).toHaveAttribute('data-strict', 'false');
  expect(await send()).toBe(201);

  // Before the app hydrates, the switch is a plain form post that comes back to the catalogue.
  consoleGuard.allow(/net::ERR_FAILED|Failed to load resource|Failed to fetch/);
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto(`/projects/${project}/event-types`);
  await strictness.getByRole('button', { name: 'Refuse them instead' }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${project}/event-types$`));
  await expect(mode).toHaveAttribute('data-strict', 'true');
  expect(await send()).toBe(422);
  await api.dispose();
});
