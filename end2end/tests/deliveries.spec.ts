// A failing endpoint, end to end: retries in the attempt log, the failed state, and recovery by
// re-enabling, "Recover failed since…", "Retry now" and "Replay event".
import { test, expect, apiClient, createSubscription, openHydrated, screenshot, uniqueName } from './fixtures';
import type { Page } from '@playwright/test';

/** Reloads until `check` passes: pages without live updates show news after a reload. */
async function eventually(page: Page, check: () => Promise<void>) {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout: 20_000 });
}

test('a failing endpoint is retried, marked failed, and recovered from the dashboard', async ({
  page,
  playwright,
  baseURL,
  receiver,
}, testInfo) => {
  const api = await apiClient(page, playwright, baseURL);
  const name = uniqueName('flaky');
  const path = `/flaky/${name}`;
  const eventType = `${name}.happened`;
  const id = await createSubscription(api, { name, url: receiver.url(path), event_types: [eventType] });
  const sent = await api.post('/api/v1/projects/default/events', { data: { type: eventType, data: { n: 1 } } });
  expect(sent.status()).toBe(201);
  await api.dispose();

  // Three attempts (one try and the two retries of the test server's schedule), then failed.
  const subscriptionPage = `/projects/default/subscriptions/${id}`;
  await openHydrated(page, subscriptionPage);
  await eventually(page, () => expect(page.locator('.page-title .badge')).toHaveText('failed'));
  expect(receiver.received(path)).toHaveLength(3);
  const delivery = page.locator('tr[data-delivery]').first();
  await expect(delivery).toContainText('failed');
  await expect(delivery).toContainText('3');
  await screenshot(page, testInfo, 'subscription-failed');

  // The overview lists it among those needing attention.
  await openHydrated(page, '/projects/default');
  await expect(page.getByTestId('attention')).toContainText(name);

  // Every attempt: the request sent beside the response received.
  await openHydrated(page, subscriptionPage);
  await page.locator('tr[data-delivery] a').first().click();
  await expect(page.locator('article.attempt')).toHaveCount(3);
  const first = page.locator('article.attempt[data-attempt="1"]');
  await expect(first).toContainText('http_status 500');
  await expect(first).toContainText('receiver says no');
  await expect(first).toContainText(eventType);
  await expect(first).toContainText('webhook-id');
  await screenshot(page, testInfo, 'delivery-attempts');
  const deliveryPage = page.url();

  // The endpoint is fixed: re-enable, then recover what failed in the last hour.
  receiver.heal(path);
  await openHydrated(page, subscriptionPage);
  await page.getByRole('button', { name: 'Re-enable' }).click();
  await expect(page.locator('.page-title .badge')).toHaveText('enabled');
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString().slice(0, 16);
  await page.getByLabel('Failed since (UTC)').fill(hourAgo);
  await page.getByRole('button', { name: 'Recover' }).click();
  await expect(page.getByTestId('recovered')).toContainText('1 deliveries queued again');

  await page.goto(deliveryPage);
  await eventually(page, () => expect(page.locator('.page-title .badge')).toHaveText('succeeded'));
  await expect(page.locator('article.attempt')).toHaveCount(4);
  const ids = receiver.received(path).map((r) => r.headers['webhook-id']);
  expect(new Set(ids).size, 'one webhook-id across retries and recovery').toBe(1);

  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByRole('button', { name: 'Retry now' }).click();
  await expect(page.getByTestId('toast').last()).toContainText('Retry queued');
  await expect.poll(() => receiver.received(path).length).toBe(5);
  await page.getByRole('button', { name: 'Replay event' }).click();
  await expect(page.getByTestId('toast').last()).toContainText('Replay queued');
  await expect.poll(() => receiver.received(path).length).toBe(6);

  await openHydrated(page, '/projects/default/deliveries?status=succeeded');
  await expect(page.locator('tr[data-delivery]').first()).toContainText('succeeded');
  await screenshot(page, testInfo, 'deliveries');
});

test('an endpoint is flagged failing at its first failed delivery, its 500 in red', async ({
  page,
  playwright,
  baseURL,
  receiver,
}) => {
  const api = await apiClient(page, playwright, baseURL);
  const name = uniqueName('wobbly');
  const eventType = `${name}.happened`;
  // Not retried: one failure, and no later one to turn it failed.
  const id = await createSubscription(api, {
    name,
    url: receiver.url(`/flaky/${name}`),
    event_types: [eventType],
    retry: false,
  });
  const sent = await api.post('/api/v1/projects/default/events', { data: { type: eventType } });
  expect(sent.status()).toBe(201);
  await api.dispose();

  await openHydrated(page, `/projects/default/subscriptions/${id}`);
  await eventually(page, () => expect(page.locator('.page-title .badge')).toHaveText('failing'));
  await openHydrated(page, `/projects/default/subscriptions?query=${name}`);
  const row = page.locator(`tr[data-subscription="${name}"]`);
  await expect(row.locator('.badge')).toHaveText('failing');
  await expect(row.locator('.status-code.bad')).toHaveText('500');
});
