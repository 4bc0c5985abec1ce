// Getting around: the project switcher, breadcrumbs, the 404 page, readable errors, the narrow
// (390 px) layout, and a screenshot of every page.
import { test, expect, apiClient, openHydrated, screenshot, statusLogged, uniqueName } from './fixtures';

const PAGES = [
  '/projects/default',
  '/projects/default/subscriptions',
  '/projects/default/subscriptions/new',
  '/projects/default/events',
  '/projects/default/deliveries',
  '/projects/default/event-types',
  '/projects/default/inbound',
  '/tokens',
  '/users',
  '/channels',
];

test('the project switcher moves between projects, staying on the same kind of page', async ({ page, playwright, baseURL }) => {
  const api = await apiClient(page, playwright, baseURL);
  const project = uniqueName('shop');
  const created = await api.post('/api/v1/projects', { data: { name: project } });
  expect(created.status()).toBe(201);
  await api.dispose();

  // From a project's page of one kind to the same kind in the other project.
  await openHydrated(page, '/projects/default/subscriptions');
  await page.getByTestId('project-switcher').selectOption(project);
  await expect(page).toHaveURL(new RegExp(`/projects/${project}/subscriptions$`));
  await expect(page.getByText('No subscriptions match')).toBeVisible();
  await page.getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByRole('heading', { name: `Overview of ${project}` })).toBeVisible();
});

test('breadcrumbs lead back; unknown pages and ids say so', async ({ page, consoleGuard }) => {
  consoleGuard.allow(statusLogged(404));
  await openHydrated(page, '/projects/default/subscriptions/new');
  await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'Subscriptions' }).click();
  await expect(page.getByRole('heading', { name: 'Subscriptions' })).toBeVisible();

  const missing = await page.goto('/no/such/page');
  expect(missing!.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();

  await openHydrated(page, '/projects/default/deliveries/not-an-id');
  await expect(page.getByRole('alert')).toContainText('delivery not found');
  await openHydrated(page, '/projects/nowhere');
  await expect(page.getByRole('alert')).toContainText('project not found');
});

test('every tab names its page', async ({ page, consoleGuard }) => {
  consoleGuard.allow(statusLogged(404));
  const titles: [string, string][] = [
    ['/projects/default', 'Overview of default · Hookhub'],
    ['/projects/default/subscriptions', 'Subscriptions · Hookhub'],
    ['/projects/default/deliveries', 'Deliveries · Hookhub'],
    ['/tokens', 'API tokens · Hookhub'],
  ];
  for (const [path, title] of titles) {
    await openHydrated(page, path);
    await expect(page, path).toHaveTitle(title);
  }
  // Moving within the app renames the tab too, not only a full page load.
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveTitle('Users · Hookhub');
  await page.goto('/no/such/page');
  await expect(page).toHaveTitle('Page not found · Hookhub');
});

for (const width of [1280, 390]) {
  test(`every page renders at ${width} px without sideways scrolling`, async ({
    page,
    playwright,
    baseURL,
  }, testInfo) => {
    // The longest name a subscription may have, in one word: lists and the deliveries' filter
    // (a select as wide as its longest option) must still fit.
    const api = await apiClient(page, playwright, baseURL);
    const name = uniqueName('long').padEnd(128, 'x');
    const created = await api.post('/api/v1/projects/default/subscriptions', {
      data: { name, url: 'https://example.com/long', event_types: [`${uniqueName("long")}.never`], enabled: false },
    });
    expect(created.status()).toBe(201);
    await api.dispose();
    await page.setViewportSize({ width, height: 900 });
    for (const path of PAGES) {
      await openHydrated(page, path);
      await expect(page.locator('.skeleton')).toHaveCount(0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} is wider than the window`).toBeLessThanOrEqual(0);
      await screenshot(page, testInfo, `${width}${path.replaceAll('/', '_')}`);
    }
  });
}

test('at 390 px a list row shows its state and controls without scrolling sideways', async ({
  page,
  playwright,
  baseURL,
  receiver,
}) => {
  const api = await apiClient(page, playwright, baseURL);
  const name = uniqueName('narrow');
  const created = await api.post('/api/v1/projects/default/subscriptions', {
    data: { name, url: receiver.url(`/ok/${name}`), labels: { team: 'mobile' } },
  });
  expect(created.status()).toBe(201);
  await api.dispose();

  await page.setViewportSize({ width: 390, height: 900 });
  await openHydrated(page, `/projects/default/subscriptions?query=${name}`);
  const row = page.locator(`tr[data-subscription="${name}"]`);
  for (const control of [row.getByText('enabled', { exact: true }), row.getByRole('button', { name: `Disable ${name}` })]) {
    const box = (await control.boundingBox())!;
    expect(box.x + box.width, 'inside the window').toBeLessThanOrEqual(390);
  }
  const wrap = page.locator('.table-wrap');
  expect(await wrap.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  await row.getByRole('button', { name: `Disable ${name}` }).click();
  await expect(row.getByText('disabled', { exact: true })).toBeVisible();
});

test('the dark theme follows the system setting', async ({ page }, testInfo) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openHydrated(page, '/projects/default/subscriptions');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(17, 20, 24)');
  await screenshot(page, testInfo, 'subscriptions-dark');
});
