// The live log: with a list open, what the API does shows up without a reload — at once while
// live, behind a "N new — show" banner while paused.
import { test, expect, apiClient, createSubscription, openHydrated, screenshot, uniqueName } from './fixtures';
import type { APIRequestContext, Page } from '@playwright/test';

/** Generous: the server's stream and the list's refetch (coalesced, twice a second) both pass. */
const LIVE = { timeout: 15_000 };

/** Sends one event of `type` through the API; returns the id of its one delivery. */
async function deliveryOf(api: APIRequestContext, type: string) {
  const sent = await api.post('/api/v1/projects/default/events', { data: { type, data: { n: 1 } } });
  expect(sent.status()).toBe(201);
  const event = (await sent.json()).event.id as string;
  const page = await api.get(`/api/v1/projects/default/deliveries?event_id=${event}`);
  const deliveries = (await page.json()).data as { id: string }[];
  expect(deliveries).toHaveLength(1);
  return deliveries[0].id;
}

async function openLive(page: Page, path: string) {
  await openHydrated(page, path);
  await expect(page.locator('.live-controls')).toHaveAttribute('data-live', 'open', LIVE);
}

for (const width of [1280, 390]) {
  test(`deliveries appear live, and wait behind a banner while paused (${width} px)`, async ({
    page,
    playwright,
    baseURL,
    receiver,
  }, testInfo) => {
    await page.setViewportSize({ width, height: 900 });
    const api = await apiClient(page, playwright, baseURL);
    const name = uniqueName('live');
    const type = `${name}.happened`;
    await createSubscription(api, { name, url: receiver.url(`/ok/${name}`), event_types: [type] });
    await openLive(page, '/projects/default/deliveries');

    const first = await deliveryOf(api, type);
    const row = page.locator(`tr[data-delivery="${first}"]`);
    await expect(row).toBeVisible(LIVE);
    await expect(row).toContainText('succeeded', LIVE);
    await screenshot(page, testInfo, `live-deliveries-${width}`);

    await page.getByRole('button', { name: 'Pause live' }).click();
    await expect(page.locator('.live-controls')).toHaveAttribute('data-live', 'paused');
    const second = await deliveryOf(api, type);
    const banner = page.locator('.live-banner');
    await expect(banner).toHaveText(/^\d+ new — show$/, LIVE);
    await expect(page.locator(`tr[data-delivery="${second}"]`)).toHaveCount(0);
    await screenshot(page, testInfo, `live-paused-${width}`);

    await banner.click();
    await expect(page.locator(`tr[data-delivery="${second}"]`)).toBeVisible(LIVE);
    await expect(banner).toHaveCount(0);
    await page.getByRole('button', { name: 'Resume live' }).click();
    const third = await deliveryOf(api, type);
    await expect(page.locator(`tr[data-delivery="${third}"]`)).toBeVisible(LIVE);
    await api.dispose();
  });
}

test('events appear live on the events list', async ({ page, playwright, baseURL }) => {
  const api = await apiClient(page, playwright, baseURL);
  const type = `${uniqueName('live')}.seen`;
  await openLive(page, '/projects/default/events');
  const sent = await api.post('/api/v1/projects/default/events', { data: { type } });
  expect(sent.status()).toBe(201);
  await expect(page.locator(`tr[data-event="${type}"]`)).toBeVisible(LIVE);
  await api.dispose();
});
