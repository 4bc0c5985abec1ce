// The Subscriptions page after hydration: create, persist, validate, toggle and delete.
import { test, expect, openHydrated, statusLogged, uniqueName } from './fixtures';
import type { Page } from '@playwright/test';

const PAGE = '/projects/default/subscriptions';

async function fillCreateForm(page: Page, name: string, url: string) {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Endpoint URL').fill(url);
}

const rowOf = (page: Page, name: string) => page.locator(`tr[data-subscription="${name}"]`);

test('a subscription created through the form is listed without a reload and persists', async ({ page }) => {
  await openHydrated(page, PAGE);
  const name = uniqueName('created');
  // A full page load would drop this marker.
  await page.evaluate(() => ((window as any).__sameDocument = true));

  await fillCreateForm(page, name, 'https://example.com/hooks');
  await page.getByLabel('Labels').fill('env:test, team:e2e');
  await page.getByRole('button', { name: 'Create subscription' }).click();

  const row = rowOf(page, name);
  await expect(row).toBeVisible();
  await expect(row).toContainText('https://example.com/hooks');
  await expect(row).toContainText('env:test, team:e2e');
  await expect(row).toContainText('Enabled');
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('');

  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(rowOf(page, name)).toBeVisible();
});

test('an invalid URL is reported next to the field and nothing is created', async ({ page, consoleGuard }) => {
  consoleGuard.allow(statusLogged(422));
  await openHydrated(page, PAGE);
  const name = uniqueName('invalid');

  await fillCreateForm(page, name, 'not a url');
  await page.getByLabel('Timeout (seconds)').fill('31');
  await page.getByRole('button', { name: 'Create subscription' }).click();

  await expect(page.locator('#field-url-error')).toContainText('not a valid URL');
  await expect(page.locator('#field-timeout_seconds-error')).toContainText('between 1 and 30');
  await expect(page.getByLabel('Endpoint URL')).toHaveAttribute('aria-invalid', 'true');
  await expect(rowOf(page, name)).toHaveCount(0);
});

test('a duplicate name is refused with a readable message', async ({ page, consoleGuard }) => {
  consoleGuard.allow(statusLogged(409));
  await openHydrated(page, PAGE);
  const name = uniqueName('dup');
  await fillCreateForm(page, name, 'https://example.com/one');
  await page.getByRole('button', { name: 'Create subscription' }).click();
  await expect(rowOf(page, name)).toBeVisible();

  await fillCreateForm(page, name, 'https://example.com/two');
  await page.getByRole('button', { name: 'Create subscription' }).click();

  await expect(page.getByRole('alert').filter({ hasText: 'already exists' })).toBeVisible();
  await expect(rowOf(page, name)).toHaveCount(1);
});

test('a subscription can be disabled, enabled and deleted after confirming', async ({ page }) => {
  await openHydrated(page, PAGE);
  const name = uniqueName('lifecycle');
  await fillCreateForm(page, name, 'https://example.com/life');
  await page.getByRole('button', { name: 'Create subscription' }).click();
  const row = rowOf(page, name);
  await expect(row).toContainText('Enabled');

  await row.getByRole('button', { name: `Disable ${name}` }).click();
  await expect(row).toContainText('Disabled');
  await row.getByRole('button', { name: `Enable ${name}` }).click();
  await expect(row.getByText('Enabled', { exact: true })).toBeVisible();

  // Cancelling keeps it.
  await row.getByRole('button', { name: `Delete ${name}` }).click();
  await row.getByRole('button', { name: 'Cancel' }).click();
  await expect(row).toBeVisible();

  await row.getByRole('button', { name: `Delete ${name}` }).click();
  await expect(row.getByText(`Delete “${name}”?`)).toBeVisible();
  await row.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(row).toHaveCount(0);

  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(rowOf(page, name)).toHaveCount(0);
});
