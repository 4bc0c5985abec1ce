// The overview: attempts charted, success rate, latency and the queue, updated while it is open.
import { test, expect, apiClient, createSubscription, openHydrated, screenshot, uniqueName } from './fixtures';

test('the overview shows recent attempts and moves without a reload', async ({
  page,
  playwright,
  baseURL,
  receiver,
}, testInfo) => {
  const eventType = `${uniqueName('beat')}.tick`;
  const api = await apiClient(page, playwright, baseURL);
  await createSubscription(api, { name: uniqueName('overview'), url: receiver.url(`/ok/${eventType}`), event_types: [eventType] });

  await openHydrated(page, '/projects/default');
  const chart = page.getByTestId('attempts-chart');
  const before = Number((await chart.getAttribute('aria-label'))!.match(/(\d+) attempts/)![1]);
  await page.evaluate(() => ((window as any).__sameDocument = true));

  const sent = await api.post('/api/v1/projects/default/events', { data: { type: eventType } });
  expect(sent.status()).toBe(201);
  await api.dispose();

  await expect(chart).toHaveAttribute('aria-label', new RegExp(`: ${before + 1} attempts`), { timeout: 15_000 });
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  await expect(page.locator('[data-stat="Success rate"]')).toHaveText(/%$/);
  await expect(page.locator('[data-stat="Latency p95"]')).toHaveText(/ms$/);
  await expect(page.locator('[data-stat="Queued deliveries"]')).toHaveText(/^\d+$/);
  await screenshot(page, testInfo, 'overview-hour');

  await page.getByRole('link', { name: 'Last day' }).click();
  await expect(page).toHaveURL(/window=day/);
  await expect(page.locator('figcaption')).toContainText('per 15 minutes');
  await screenshot(page, testInfo, 'overview-day');
});
