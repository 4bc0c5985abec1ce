// Events: the "Send event" form with validation, the list filtered through the URL, and an
// event's page with its payload, its deliveries and a replay.
import { test, expect, apiClient, createSubscription, openHydrated, screenshot, statusLogged, uniqueName } from './fixtures';

test('an event sent from the dashboard is listed, filterable, and shows its deliveries', async ({
  page,
  playwright,
  baseURL,
  receiver,
  consoleGuard,
}, testInfo) => {
  consoleGuard.allow(statusLogged(422));
  const eventType = `${uniqueName('shipment')}.created`;
  const path = `/ok/${eventType}`;
  const api = await apiClient(page, playwright, baseURL);
  await createSubscription(api, { name: uniqueName('events'), url: receiver.url(path), event_types: [eventType] });
  await api.dispose();

  await openHydrated(page, '/projects/default/events');
  const form = page.locator('details.card');
  await form.getByText('Send event').first().click();
  await form.getByLabel('Type', { exact: true }).fill(eventType);
  await form.getByLabel('Object type').fill('shipment');
  await form.getByLabel('Object name').fill('parcel-7');
  await form.getByLabel('Data (JSON)').fill('{"weight": 12');
  await form.getByRole('button', { name: 'Send event' }).click();
  await expect(page.locator('#field-data-error')).toContainText('is not JSON');

  await form.getByLabel('Data (JSON)').fill('{"weight": 12}');
  await form.getByRole('button', { name: 'Send event' }).click();
  await expect(page.getByTestId('toast').last()).toContainText(`Event ${eventType} sent to 1 subscriptions`);
  const row = page.locator(`tr[data-event="${eventType}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('shipment parcel-7');
  await screenshot(page, testInfo, 'events');

  // The type filter is part of the URL.
  await page.locator('form[role="search"]').getByLabel('Type').fill(eventType);
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page).toHaveURL(/type=/);
  await expect(page.locator('tr[data-event]')).toHaveCount(1);

  await row.getByRole('link', { name: eventType }).click();
  await expect(page.getByRole('heading', { name: eventType })).toBeVisible();
  await expect(page.locator('pre.json')).toContainText('"weight": 12');
  await expect(async () => {
    await page.reload();
    await expect(page.locator('tr[data-delivery]').first()).toContainText('succeeded');
  }).toPass({ timeout: 15_000 });
  await screenshot(page, testInfo, 'event-detail');

  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByRole('button', { name: 'Replay to every matching subscription' }).click();
  await page.getByRole('group', { name: 'Confirm replaying' }).getByRole('button', { name: 'Yes, replay' }).click();
  await expect(page.getByTestId('toast').last()).toContainText('Replay queued for 1 subscriptions');
  await expect.poll(() => receiver.received(path).length).toBe(2);
});

test('the event list takes a wildcard type and can hide Hookhub\'s own events', async ({
  page,
  playwright,
  baseURL,
  receiver,
}) => {
  const prefix = uniqueName('parcel');
  const api = await apiClient(page, playwright, baseURL);
  await createSubscription(api, {
    name: uniqueName('never-ok'),
    url: receiver.url(`/flaky/${prefix}`),
    event_types: [`${prefix}.*`],
    retry: false,
  });
  for (const suffix of ['packed', 'sent']) {
    const sent = await api.post('/api/v1/projects/default/events', { data: { type: `${prefix}.${suffix}` } });
    expect(sent.status()).toBe(201);
  }
  // Each fails for good, which Hookhub reports as a delivery.exhausted event of its own.
  await expect
    .poll(async () => {
      const reports = await api.get('/api/v1/projects/default/events?type=delivery.exhausted&limit=250');
      const body = await reports.json();
      return body.data.filter((e: { object: { name: string } }) => e.object?.name?.startsWith('never-ok')).length;
    })
    .toBeGreaterThanOrEqual(2);
  await api.dispose();

  await openHydrated(page, '/projects/default/events');
  const filters = page.locator('form[role="search"]');
  await filters.getByLabel('Type').fill(`${prefix}.*`);
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page.locator('tr[data-event]')).toHaveCount(2);
  await expect(page.locator(`tr[data-event="${prefix}.packed"]`)).toBeVisible();

  await filters.getByLabel('Type').fill('');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page.locator('tr[data-event="delivery.exhausted"]').first()).toBeVisible();
  await filters.getByLabel("Hide Hookhub's own events").check();
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page).toHaveURL(/hide_operational=true/);
  await expect(page.locator(`tr[data-event="${prefix}.sent"]`)).toBeVisible();
  await expect(page.locator('tr[data-event="delivery.exhausted"]')).toHaveCount(0);
});
