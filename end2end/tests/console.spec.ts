// The dashboard as an operations console: copy buttons and "Copy as curl" on a delivery (the
// command run by a real shell and curl reproduces the request), the endpoint health panel of a
// failing subscription, and the first steps a new project shows — at 1280 and at 390 px.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { APIRequestContext, Page } from '@playwright/test';
import { test, expect, apiClient, createSubscription, openHydrated, screenshot, uniqueName } from './fixtures';

// Asynchronous: the receiver the command reaches lives in this same Node process.
const run = promisify(execFile);

const WIDTHS = [1280, 390];

/** Waits until the event's only delivery has `status`; returns that delivery's id. */
async function settled(api: APIRequestContext, project: string, eventId: string, status: string) {
  let id = '';
  await expect(async () => {
    const page = await (await api.get(`/api/v1/projects/${project}/deliveries?event_id=${eventId}`)).json();
    expect(page.data.map((d: { status: string }) => d.status)).toEqual([status]);
    id = page.data[0].id;
  }).toPass({ timeout: 15_000 });
  return id;
}

/** Sends one event to the default project; returns its id. */
async function send(api: APIRequestContext, data: Record<string, unknown>) {
  const sent = await api.post('/api/v1/projects/default/events', { data });
  expect(sent.status(), await sent.text()).toBe(201);
  return (await sent.json()).event.id as string;
}

/** What the clipboard holds after clicking `button` (emptied first: the copy is asynchronous). */
async function copied(page: Page, button: ReturnType<Page['getByRole']>) {
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await button.click();
  const read = () => page.evaluate(() => navigator.clipboard.readText());
  await expect.poll(read).not.toBe('');
  return read();
}

/** Nothing on the page reaches past the window's right edge. */
async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'wider than the window').toBeLessThanOrEqual(0);
}

for (const width of WIDTHS) {
  test(`copy as curl gives the attempt's exact request, hostile text included, at ${width} px`, async ({
    page,
    context,
    playwright,
    baseURL,
    receiver,
  }, testInfo) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const api = await apiClient(page, playwright, baseURL);
    const name = uniqueName('curl');
    const path = `/ok/${name}`;
    const eventType = `${name}.sent`;
    await createSubscription(api, {
      name,
      url: receiver.url(path),
      event_types: [eventType],
      headers: [
        { key: 'x-tenant', value: "o'brien $(touch /tmp/hookhub-pwned) `id`" },
        { key: 'x-api-key', value: 'top-secret-value', protected: true },
      ],
    });
    const eventId = await send(api, { type: eventType, data: { note: "it's \"quoted\" $(id) `id` \\ ;\n next line" } });
    const deliveryId = await settled(api, 'default', eventId, 'succeeded');
    await api.dispose();

    await page.setViewportSize({ width, height: 900 });
    await openHydrated(page, `/projects/default/deliveries/${deliveryId}`);
    await expect(page).toHaveTitle('Delivery to 127.0.0.1 · attempt 1 · Hookhub');
    expect(await copied(page, page.getByRole('button', { name: 'Copy delivery id' }))).toBe(deliveryId);
    expect(await copied(page, page.getByRole('button', { name: 'Copy event id' }))).toBe(eventId);

    const attempt = page.locator('article.attempt[data-attempt="1"]');
    const [sent] = receiver.received(path);
    expect(await copied(page, attempt.getByRole('button', { name: 'Copy body' }))).toBe(sent.body);
    const command = await copied(page, attempt.getByRole('button', { name: 'Copy as curl' }));
    await attempt.getByText('curl', { exact: true }).click();
    await expect(attempt.getByTestId('curl')).toHaveText(command);
    expect(command).toContain('--request POST');
    expect(command).toContain(`--url ${receiver.url(path)}`);
    expect(command).toContain("--header 'x-api-key: ********'");
    expect(command).not.toContain('top-secret-value');
    await expectNoSidewaysScroll(page);
    await screenshot(page, testInfo, `delivery-curl-${width}`);

    // Run as an operator would paste it: the receiver gets the same body and headers again.
    await run('sh', ['-c', command]);
    const replayed = receiver.received(path);
    expect(replayed).toHaveLength(2);
    expect(replayed[1].body).toBe(sent.body);
    for (const header of ['webhook-id', 'webhook-signature', 'content-type', 'x-tenant']) {
      expect(replayed[1].headers[header], header).toBe(sent.headers[header]);
    }
    expect(replayed[1].headers['x-api-key']).toBe('********');
    expect(existsSync('/tmp/hookhub-pwned')).toBe(false);
  });

  test(`the health panel shows a failing endpoint's last error, at ${width} px`, async ({
    page,
    playwright,
    baseURL,
    receiver,
  }, testInfo) => {
    const api = await apiClient(page, playwright, baseURL);
    const name = uniqueName('sick');
    const eventType = `${name}.sent`;
    const id = await createSubscription(api, {
      name,
      url: receiver.url(`/flaky/${name}`),
      event_types: [eventType],
      retry: false,
    });
    const deliveryId = await settled(api, 'default', await send(api, { type: eventType }), 'failed');
    await api.dispose();

    await page.setViewportSize({ width, height: 900 });
    await openHydrated(page, `/projects/default/subscriptions/${id}`);
    const panel = page.getByTestId('endpoint-health');
    const failure = panel.getByTestId('last-failure');
    await expect(failure).toContainText('Last error: http_status');
    await expect(failure.locator('.status-code.bad')).toHaveText('500');
    await expect(failure).toContainText('500');
    await expect(panel.locator('[data-stat="Success rate"]')).toHaveText('0.0 %');
    await expect(panel.locator('[data-stat="Attempts"]')).toHaveText('0 ok · 1 failed');
    await expect(panel.locator('[data-stat="Failures in a row"]')).toHaveText('1');
    await expect(panel.locator('[data-stat="Last success"]')).toHaveText('never');
    await expect(panel.locator('[data-stat="Failing since"]')).not.toHaveText('—');
    await expect(panel.getByTestId('attempts-chart')).toHaveAttribute('aria-label', /: 1 attempts/);
    await expectNoSidewaysScroll(page);
    await screenshot(page, testInfo, `endpoint-health-${width}`);

    await failure.getByRole('link', { name: 'its delivery (attempt 1)' }).click();
    await expect(page).toHaveURL(new RegExp(`/deliveries/${deliveryId}$`));
    await expect(page.locator('article.attempt')).toContainText('http_status 500');
  });

  test(`a new project shows its first steps until something is in it, at ${width} px`, async ({
    page,
    playwright,
    baseURL,
  }, testInfo) => {
    const api = await apiClient(page, playwright, baseURL);
    const project = uniqueName('fresh');
    const created = await api.post('/api/v1/projects', { data: { name: project } });
    expect(created.status()).toBe(201);

    await page.setViewportSize({ width, height: 900 });
    await openHydrated(page, `/projects/${project}`);
    const steps = page.getByTestId('first-steps');
    await expect(steps.getByRole('link', { name: 'New subscription' })).toHaveAttribute('href', `/projects/${project}/subscriptions/new`);
    await expect(steps.getByRole('link', { name: 'create a token' })).toHaveAttribute('href', '/tokens');
    await expect(steps.getByRole('link', { name: 'Deliveries' })).toHaveAttribute('href', `/projects/${project}/deliveries`);
    const curl = steps.getByTestId('first-event-curl');
    await expect(curl).toContainText(`--url ${baseURL}/api/v1/projects/${project}/events`);
    await expect(curl).toContainText('YOUR_TOKEN');
    await expect(page.getByTestId('attempts-chart')).toHaveCount(0);
    await expectNoSidewaysScroll(page);
    await screenshot(page, testInfo, `first-steps-${width}`);

    // Step 2 as written, with a real token: the event arrives and the overview takes over.
    const token = await api.post('/api/v1/tokens', { data: { name: uniqueName('first'), project } });
    expect(token.status()).toBe(201);
    const secret = (await token.json()).secret as string;
    const command = (await curl.textContent())!.replace('YOUR_TOKEN', secret);
    const { stdout } = await run('sh', ['-c', `${command} --silent`]);
    const answer = JSON.parse(stdout);
    expect(answer.event.type).toBe('hello.world');
    await api.dispose();
    await expect(steps).toHaveCount(0, { timeout: 15_000 });
    await expect(page.locator('[data-stat="Queued deliveries"]')).toHaveText('0');
  });
}
