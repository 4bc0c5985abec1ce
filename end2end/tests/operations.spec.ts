// Operations on the deliveries list: find a delivery by what you know of it (idempotency key,
// filters), see what each row is about, and retry many failed deliveries at once.
import {
  test,
  expect,
  apiClient,
  createSubscription,
  openHydrated,
  screenshot,
  statusLogged,
  uniqueName,
} from './fixtures';
import type { APIRequestContext } from '@playwright/test';

const DELIVERIES = '/api/v1/projects/default/deliveries';

/** The statuses of a subscription's deliveries, counted. */
async function statuses(api: APIRequestContext, subscription: string) {
  const response = await api.get(`${DELIVERIES}?subscription_id=${subscription}&limit=250`);
  expect(response.status()).toBe(200);
  const counts: Record<string, number> = {};
  for (const d of (await response.json()).data) counts[d.status] = (counts[d.status] ?? 0) + 1;
  return counts;
}

/**
 * Waits until all `count` deliveries of a subscription whose endpoint fails (retries off) are
 * `failed`. The test server's failure window is a second, so the subscription may be marked
 * failed while some still wait; those are held, and re-enabling it sends them (to fail) too.
 */
async function allFailed(api: APIRequestContext, subscription: string, count: number) {
  await expect(async () => {
    const counts = await statuses(api, subscription);
    if (counts.held) {
      await api.patch(`/api/v1/projects/default/subscriptions/${subscription}`, {
        data: { enabled: true },
      });
    }
    expect(counts.failed ?? 0).toBe(count);
  }).toPass({ timeout: 60_000 });
}

for (const width of [1280, 390]) {
  test(`a search by idempotency key finds the delivery, with its type, subscription and time (${width} px)`, async ({
    page,
    playwright,
    baseURL,
    receiver,
  }, testInfo) => {
    await page.setViewportSize({ width, height: 900 });
    const api = await apiClient(page, playwright, baseURL);
    const name = uniqueName('search');
    await createSubscription(api, { name, url: receiver.url(`/ok/${name}`), event_types: [`${name}.*`] });
    const key = `key-${name}`;
    const sent = await api.post('/api/v1/projects/default/events/batch', {
      data: {
        events: [
          { type: `${name}.paid`, idempotency_key: key, data: { order: 1 } },
          { type: `${name}.paid`, idempotency_key: `${key}-other`, data: { order: 2 } },
        ],
      },
    });
    expect(sent.status()).toBe(201);
    const eventId = (await sent.json())[0].event.id as string;
    await api.dispose();

    await openHydrated(page, '/projects/default/deliveries');
    await page.getByLabel('Search', { exact: true }).fill(key);
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`q=${key}`));
    // Only the deliveries of the event with that key are listed: ours, and one for each
    // subscription of other specs that takes every event type.
    const rows = page.locator('tr[data-delivery]');
    const ofTheEvent = page.locator(`a[href="/projects/default/events/${eventId}"]`);
    await expect(rows.filter({ hasNot: ofTheEvent })).toHaveCount(0);
    const row = rows.filter({ has: page.getByRole('link', { name, exact: true }) });
    await expect(row).toHaveCount(1);
    await expect(row.getByRole('link', { name: `${name}.paid` })).toHaveAttribute(
      'href',
      `/projects/default/events/${eventId}`,
    );
    await expect(row.getByRole('link', { name, exact: true })).toBeVisible();
    // A relative time, the exact one (to the millisecond) on hover.
    const time = row.locator('time');
    await expect(time).toHaveText(/^(just now|\d+ s ago)$/);
    await expect(time).toHaveAttribute('title', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/);
    await expect(time).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const box = (await row.boundingBox())!;
    expect(box.x + box.width, 'the row fits the window').toBeLessThanOrEqual(width);
    await screenshot(page, testInfo, `deliveries-search-${width}`);

    // The same search, loaded from the URL (as a shared link), renders without a hydration
    // mismatch (the console guard fails the test on one).
    await openHydrated(page, `/projects/default/deliveries?q=${key}`);
    await expect(row).toHaveCount(1);
    await expect(rows.filter({ hasNot: ofTheEvent })).toHaveCount(0);
  });
}

test('the filters narrow the list by subscription, event type, status and time', async ({
  page,
  playwright,
  baseURL,
  receiver,
  consoleGuard,
}, testInfo) => {
  // The last step opens a refused filter: when other specs' deliveries arrive on the live
  // stream meanwhile, the list asks again and the browser logs that answer's 422.
  consoleGuard.allow(statusLogged(422));
  const api = await apiClient(page, playwright, baseURL);
  const name = uniqueName('filters');
  const good = await createSubscription(api, { name: `${name}-good`, url: receiver.url(`/ok/${name}`) , event_types: [`${name}.*`] });
  const bad = await createSubscription(api, {
    name: `${name}-bad`,
    url: receiver.url(`/flaky/${name}`),
    event_types: [`${name}.*`],
    retry: false,
  });
  const sent = await api.post('/api/v1/projects/default/events/batch', {
    data: { events: [{ type: `${name}.created` }, { type: `${name}.deleted` }] },
  });
  expect(sent.status()).toBe(201);
  await expect.poll(async () => (await statuses(api, good)).succeeded).toBe(2);
  await allFailed(api, bad, 2);
  await api.dispose();

  await openHydrated(page, '/projects/default/deliveries');
  await page.getByLabel('Subscription').selectOption({ label: `${name}-bad` });
  await page.getByLabel('Event type').fill(`${name}.*`);
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`subscription_id=${bad}`));
  const rows = page.locator('tr[data-delivery]');
  await expect(rows).toHaveCount(2);
  await expect(rows.locator('.badge')).toHaveText(['failed', 'failed']);

  await page.getByLabel('Event type').fill(`${name}.created`);
  await page.getByLabel('Subscription').selectOption({ label: 'any' });
  await page.getByLabel('Status').selectOption('succeeded');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`${name}-good`);
  await expect(rows.first()).toContainText(`${name}.created`);
  // The form keeps what was asked, from the URL.
  await page.reload();
  await expect(page.getByLabel('Event type')).toHaveValue(`${name}.created`);
  await expect(page.getByLabel('Status')).toHaveValue('succeeded');

  const later = new Date(Date.now() + 3_600_000).toISOString().slice(0, 16);
  await page.getByLabel('Since (UTC)').fill(later);
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page.getByText('No deliveries here.')).toBeVisible();
  await screenshot(page, testInfo, 'deliveries-filters');

  // A value the engine refuses says which field, in the page.
  await openHydrated(page, '/projects/default/deliveries?since=yesterday');
  await expect(page.getByRole('alert')).toContainText('since');
});

test('two selected failed deliveries are retried together (1280 px)', async ({
  page,
  playwright,
  baseURL,
  receiver,
}) => {
  const api = await apiClient(page, playwright, baseURL);
  const name = uniqueName('pair');
  const path = `/flaky/${name}`;
  const id = await createSubscription(api, {
    name,
    url: receiver.url(path),
    event_types: [`${name}.*`],
    retry: false,
  });
  const events = [1, 2, 3].map((n) => ({ type: `${name}.happened`, data: { n } }));
  expect((await api.post('/api/v1/projects/default/events/batch', { data: { events } })).status()).toBe(201);
  await allFailed(api, id, 3);
  receiver.heal(path);

  await openHydrated(page, `/projects/default/deliveries?subscription_id=${id}&status=failed`);
  const rows = page.locator('tr[data-delivery]');
  await expect(rows).toHaveCount(3);
  await rows.nth(0).getByRole('checkbox').check();
  await rows.nth(2).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Retry selected (2)' }).click();
  await page.getByRole('button', { name: 'Yes, retry' }).click();
  await expect(page.getByTestId('toast').last()).toContainText('2 deliveries queued again');
  await expect.poll(async () => (await statuses(api, id)).succeeded ?? 0).toBe(2);
  expect((await statuses(api, id)).failed).toBe(1);
  await api.dispose();
});

test('a bulk retry of 100 failed deliveries from the dashboard, at 390 px', async ({
  page,
  playwright,
  baseURL,
  receiver,
}, testInfo) => {
  test.setTimeout(120_000);
  const api = await apiClient(page, playwright, baseURL);
  const name = uniqueName('hundred');
  const path = `/flaky/${name}`;
  const id = await createSubscription(api, {
    name,
    url: receiver.url(path),
    event_types: [`${name}.*`],
    retry: false,
  });
  const events = Array.from({ length: 100 }, (_, n) => ({ type: `${name}.happened`, data: { n } }));
  expect((await api.post('/api/v1/projects/default/events/batch', { data: { events } })).status()).toBe(201);
  await allFailed(api, id, 100);
  const failedAttempts = receiver.received(path).length;
  receiver.heal(path);

  await page.setViewportSize({ width: 390, height: 800 });
  await openHydrated(page, `/projects/default/deliveries?subscription_id=${id}&status=failed&limit=100`);
  const rows = page.locator('tr[data-delivery]');
  await expect(rows).toHaveCount(100);
  // The row checkbox and the bulk controls are on screen, not beyond a sideways scroll.
  const checkbox = rows.first().getByRole('checkbox');
  const checkboxBox = (await checkbox.boundingBox())!;
  expect(checkboxBox.x + checkboxBox.width).toBeLessThanOrEqual(390);
  await checkbox.check();
  await expect(page.getByRole('button', { name: 'Retry selected (1)' })).toBeVisible();
  await page.getByLabel('Select all on this page').check();
  const retry = page.getByRole('button', { name: 'Retry selected (100)' });
  const retryBox = (await retry.boundingBox())!;
  expect(retryBox.x + retryBox.width).toBeLessThanOrEqual(390);
  await screenshot(page, testInfo, 'deliveries-selected-390');
  await retry.click();
  await page.getByRole('button', { name: 'Yes, retry' }).click();
  await expect(page.getByTestId('toast').last()).toContainText('100 deliveries queued again');
  // The list is fetched again: none of them is failed any more.
  await expect(page.getByText('No deliveries here.')).toBeVisible();

  await expect.poll(async () => (await statuses(api, id)).succeeded ?? 0, { timeout: 30_000 }).toBe(100);
  expect(receiver.received(path).length).toBe(failedAttempts + 100);
  await api.dispose();
});
