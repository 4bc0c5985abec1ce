// Pausing holds: a disabled subscription's page says how many deliveries wait, discards them only
// after a confirmation, and enabling it sends them out.
import { test, expect, apiClient, createSubscription, openHydrated, screenshot, uniqueName } from './fixtures';
import type { APIRequestContext } from '@playwright/test';

const LIST = '/projects/default/subscriptions';

/** A disabled subscription to the receiver's `/ok/…` path, and `count` events it holds. */
async function pausedWithEvents(api: APIRequestContext, url: (path: string) => string, count: number) {
  const name = uniqueName('held');
  const path = `/ok/${name}`;
  const eventType = `${name}.happened`;
  const id = await createSubscription(api, { name, url: url(path), event_types: [eventType], enabled: false });
  for (let n = 0; n < count; n++) {
    const sent = await api.post('/api/v1/projects/default/events', { data: { type: eventType, data: { n } } });
    expect(sent.status()).toBe(201);
  }
  return { id, path };
}

async function heldInApi(api: APIRequestContext, id: string) {
  const response = await api.get(`/api/v1/projects/default/subscriptions/${id}/held`);
  expect(response.status()).toBe(200);
  return (await response.json()).held as number;
}

test('a paused subscription shows what it holds and discards it only when confirmed', async ({
  page,
  playwright,
  baseURL,
  receiver,
}, testInfo) => {
  const api = await apiClient(page, playwright, baseURL);
  const { id, path } = await pausedWithEvents(api, receiver.url, 3);

  await openHydrated(page, `${LIST}/${id}`);
  const held = page.getByTestId('held');
  await expect(held.getByTestId('held-count')).toHaveText('3');
  await screenshot(page, testInfo, 'subscription-held');

  // A first click only asks; cancelling keeps everything.
  await held.getByRole('button', { name: 'Discard held deliveries' }).click();
  const confirm = held.getByRole('group', { name: 'Confirm discarding' });
  await expect(confirm).toContainText('Discard 3 held deliveries? They will never be sent.');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  expect(await heldInApi(api, id)).toBe(3);

  await held.getByRole('button', { name: 'Discard held deliveries' }).click();
  await confirm.getByRole('button', { name: 'Yes, discard' }).click();
  await expect(page.getByTestId('toast').last()).toContainText('Discarded 3 held deliveries');
  await expect(held.getByTestId('held-count')).toHaveText('0');
  await expect(held.getByRole('button', { name: 'Discard held deliveries' })).toHaveCount(0);
  expect(await heldInApi(api, id)).toBe(0);
  const cancelled = await api.get(`/api/v1/projects/default/deliveries?subscription_id=${id}&status=cancelled`);
  expect((await cancelled.json()).data).toHaveLength(3);

  // Enabling now sends nothing that was discarded.
  await page.getByRole('button', { name: 'Enable', exact: true }).click();
  await expect(page.locator('.page-title .badge')).toHaveText('enabled');
  await expect(held).toHaveCount(0);
  expect(receiver.received(path)).toHaveLength(0);
  await api.dispose();
});

test('enabling a paused subscription sends what it held', async ({
  page,
  playwright,
  baseURL,
  receiver,
}) => {
  const api = await apiClient(page, playwright, baseURL);
  const { id, path } = await pausedWithEvents(api, receiver.url, 3);

  await openHydrated(page, `${LIST}/${id}`);
  await expect(page.getByTestId('held-count')).toHaveText('3');
  await page.getByRole('button', { name: 'Enable', exact: true }).click();
  await expect(page.locator('.page-title .badge')).toHaveText('enabled');
  // Nothing is held any more: the card goes, and each of the three goes out once (side by side,
  // up to the per-subscription bound in flight, so not necessarily in the order they came).
  await expect(page.getByTestId('held')).toHaveCount(0);
  expect(await heldInApi(api, id)).toBe(0);
  await expect.poll(() => receiver.received(path).length).toBe(3);
  const sent = receiver.received(path).map((r) => JSON.parse(r.body).data.n as number);
  expect(sent.sort()).toEqual([0, 1, 2]);
  await api.dispose();
});
