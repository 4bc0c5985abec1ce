// Subscriptions after hydration: the full form (with the filter try-out and protected headers),
// inline errors, filters kept in the URL, enable/disable, testing, rotating and deleting.
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

const LIST = '/projects/default/subscriptions';

test('the full form creates a subscription; a protected header is kept but never shown', async ({
  page,
  receiver,
}, testInfo) => {
  await openHydrated(page, `${LIST}/new`);
  const name = uniqueName('full');
  const path = `/ok/${name}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Endpoint URL').fill(receiver.url(path));
  await page.getByLabel('Description').fill('every field');
  await page.getByLabel('Event types').fill('order.*, refund.created');
  await page.getByLabel('Object type').fill('service');
  await page.getByLabel('Payload filter (JSON)').fill('{"data.amount": {"$gte": 100}}');

  // The try-out judges the sample with the engine's own rules, in the browser.
  await page.getByRole('button', { name: 'Try it' }).click();
  await expect(page.getByTestId('filter-verdict')).toContainText('match');
  await page.getByLabel('Try the filter against a sample event').fill('{"data": {"amount": 50}}');
  await page.getByRole('button', { name: 'Try it' }).click();
  await expect(page.getByTestId('filter-verdict')).toContainText('no match');
  await expect(page.getByTestId('filter-verdict')).toContainText('data.amount is 50, which is not >= 100');

  await page.getByRole('button', { name: 'Add header' }).click();
  await page.getByLabel('Header 1 name').fill('Authorization');
  await page.getByLabel('Header 1 value').fill('Bearer s3cret');
  await page.locator('[data-header="0"]').getByLabel('Protected').check();
  await page.getByRole('button', { name: 'Add header' }).click();
  await page.getByLabel('Header 2 name').fill('X-Team');
  await page.getByLabel('Header 2 value').fill('core');
  await page.getByLabel('Timeout (seconds)').fill('5');
  await page.getByLabel('Rate limit (per second)').fill('10');
  await page.getByLabel('Labels').fill('env:test');
  await screenshot(page, testInfo, 'subscription-form');
  await page.getByRole('button', { name: 'Create subscription' }).click();

  await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
  const summary = page.locator('.summary');
  await expect(summary).toContainText('Authorization: •••');
  await expect(summary).toContainText('X-Team: core');
  await expect(summary).toContainText('order.*, refund.created');
  await expect(summary).toContainText('10/s');
  await expect(page.locator('body')).not.toContainText('s3cret');
  await screenshot(page, testInfo, 'subscription-detail');

  // Editing shows the protected value as ••• only; leaving it blank keeps it.
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByLabel('Header 1 value')).toHaveValue('');
  await expect(page.getByLabel('Header 1 value')).toHaveAttribute('placeholder', /•••/);
  await page.getByLabel('Description').fill('edited');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(summary).toContainText('edited');

  // The test delivery carries the stored secret value: it was kept through the edit.
  await page.getByRole('button', { name: 'Send test' }).click();
  const result = page.getByTestId('test-result');
  await expect(result).toContainText('completed');
  await expect(result).toContainText('HTTP 200');
  await expect(result).toContainText('received');
  const got = receiver.received(path);
  expect(got.at(-1)!.headers['authorization']).toBe('Bearer s3cret');
  expect(got.at(-1)!.headers['x-team']).toBe('core');
  expect(got.at(-1)!.headers['webhook-signature']).toMatch(/^v1,/);
});

test('bad input is reported next to each field and nothing is created', async ({ page, consoleGuard }) => {
  consoleGuard.allow(statusLogged(422));
  await openHydrated(page, `${LIST}/new`);
  const name = uniqueName('invalid');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Endpoint URL').fill('not a url');
  await page.getByLabel('Timeout (seconds)').fill('31');
  await page.getByLabel('Payload filter (JSON)').fill('{"a": {"$bogus": 1}}');
  await page.getByRole('button', { name: 'Create subscription' }).click();

  await expect(page.locator('#field-url-error')).toContainText('not a valid URL');
  await expect(page.locator('#field-timeout_seconds-error')).toContainText('between 1 and 30');
  await expect(page.locator('#field-filter-error')).not.toBeEmpty();
  await expect(page.getByLabel('Endpoint URL')).toHaveAttribute('aria-invalid', 'true');
  // Where the button was pressed, a summary; and the first bad field, far above it, has the focus.
  await expect(page.locator('.form-feedback')).toContainText('Not saved: 3 fields need attention.');
  await expect(page.getByLabel('Endpoint URL')).toBeFocused();

  await page.getByLabel('Payload filter (JSON)').fill('{nope');
  await page.getByRole('button', { name: 'Create subscription' }).click();
  await expect(page.locator('#field-filter-error')).toContainText('is not JSON');

  await openHydrated(page, `${LIST}?query=${name}`);
  await expect(page.locator(`tr[data-subscription="${name}"]`)).toHaveCount(0);
});

test('filters live in the URL, survive a reload, and the switch enables and disables', async ({
  page,
  playwright,
  baseURL,
}, testInfo) => {
  const api = await apiClient(page, playwright, baseURL);
  const team = uniqueName('team');
  const [alpha, beta] = [uniqueName('alpha'), uniqueName('beta')];
  await createSubscription(api, { name: alpha, url: 'https://example.com/a', labels: { team } });
  await createSubscription(api, { name: beta, url: 'https://example.com/b', labels: { team }, enabled: false });
  await api.dispose();

  await openHydrated(page, LIST);
  await page.getByLabel('Label').fill(`team:${team}`);
  await page.getByLabel('Enabled').selectOption('true');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`label=team%3A${team}.*enabled=true`));
  await expect(page.locator(`tr[data-subscription="${alpha}"]`)).toBeVisible();
  await expect(page.locator(`tr[data-subscription="${beta}"]`)).toHaveCount(0);

  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByLabel('Label')).toHaveValue(`team:${team}`);
  await expect(page.locator(`tr[data-subscription="${beta}"]`)).toHaveCount(0);
  await screenshot(page, testInfo, 'subscriptions-filtered');

  await openHydrated(page, `${LIST}?label=team:${team}`);
  const row = page.locator(`tr[data-subscription="${beta}"]`);
  await expect(row).toContainText('disabled');
  await page.getByRole('button', { name: `Enable ${beta}` }).click();
  await expect(row).toContainText('enabled');
  await expect(page.getByTestId('toast').last()).toContainText(`${beta} enabled`);
  await page.getByRole('button', { name: `Disable ${beta}` }).click();
  await expect(row).toContainText('disabled');
});

test('a failing test shows its status and body; the secret shows on request and rotates when confirmed; delete asks first', async ({
  page,
  playwright,
  baseURL,
  receiver,
}) => {
  const api = await apiClient(page, playwright, baseURL);
  const name = uniqueName('doomed');
  const id = await createSubscription(api, { name, url: receiver.url(`/flaky/${name}`) });
  await api.dispose();

  await openHydrated(page, `${LIST}/${id}`);
  await page.getByRole('button', { name: 'Send test' }).click();
  const result = page.getByTestId('test-result');
  await expect(result).toContainText('failed');
  await expect(result).toContainText('HTTP 500');
  await expect(result).toContainText('receiver says no');

  // The signing secret shows on request, and a rotation (confirmed) shows the new one.
  await page.getByRole('button', { name: 'Reveal secret' }).click();
  const secret = page.getByTestId('signing-secret');
  await expect(secret).toHaveText(/^whsec_/);
  const first = await secret.textContent();
  await page.getByRole('button', { name: 'Hide secret' }).click();
  await expect(secret).toHaveCount(0);
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await page.getByRole('group', { name: 'Confirm rotating' }).getByRole('button', { name: 'Yes, rotate' }).click();
  await expect(secret).toHaveText(/^whsec_/);
  await expect(secret).not.toHaveText(first!);

  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page).toHaveURL(new RegExp(`${LIST}$`));
  await openHydrated(page, `${LIST}?query=${name}`);
  await expect(page.locator(`tr[data-subscription="${name}"]`)).toHaveCount(0);
});
