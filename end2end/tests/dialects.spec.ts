// What a dialect creates is an ordinary subscription: the dashboard lists it like any other.
import { test, expect, createToken, openHydrated } from './fixtures';

test('a hook created through the Waldur dialect shows in the dashboard', async ({
  page,
  playwright,
  baseURL,
}) => {
  const { secret } = await createToken(page, 'write');
  const api = await playwright.request.newContext({ baseURL });
  const headers = { authorization: `Token ${secret}` };
  const destination = `https://example.com/waldur/${Date.now()}`;
  const created = await api.post('/api/hooks-web/', {
    headers,
    data: { destination_url: destination, event_types: ['customer_update_succeeded'] },
  });
  expect(created.status()).toBe(201);
  const hook = await created.json();
  await api.dispose();

  await openHydrated(page, '/projects/default/subscriptions');
  // The list pages by 50; follow it to the hook's row.
  const row = page.locator('tr', { hasText: destination });
  while (!(await row.isVisible())) {
    await page.getByRole('link', { name: 'Next page →' }).click();
  }
  await expect(row).toContainText('enabled');
  expect(hook.hook_type).toBe('webhook');
});
