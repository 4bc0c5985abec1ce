// The dashboard under its Content-Security-Policy: it hydrates and works, with no violation,
// and a script the server did not send is refused.
import { test, expect, uniqueName } from './fixtures';

/** Violations reported in the page, recorded from before any script of the page runs. */
declare global {
  interface Window {
    cspViolations: string[];
    injected?: boolean;
  }
}

test('the dashboard works under a strict CSP with no violation, and injected script is refused', async ({
  page,
  receiver,
  consoleGuard,
}) => {
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`);
    });
  });

  const response = await page.goto('/projects/default/subscriptions/new');
  const policy = response!.headers()['content-security-policy'];
  expect(policy).toMatch(/script-src 'nonce-[\w-]{22,}' 'strict-dynamic' 'wasm-unsafe-eval'/);
  expect(policy).not.toContain('unsafe-inline');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');

  // A real interaction: the form calls its server function, the new page loads in the browser.
  const name = uniqueName('csp');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Endpoint URL').fill(receiver.url(`/ok/${name}`));
  await page.getByRole('button', { name: 'Create subscription' }).click();
  await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Send test' }).click();
  await expect(page.getByTestId('test-result')).toContainText('completed');
  await page.getByRole('link', { name: 'Events' }).click();
  await expect(page).toHaveURL(/\/projects\/default\/events$/);
  await expect(page.getByRole('heading', { name: 'Events', exact: true })).toBeVisible();
  expect(await page.evaluate(() => window.cspViolations)).toEqual([]);

  // The policy is enforced: an inline event handler the server never sent does not run.
  consoleGuard.allow(/^Executing inline event handler violates the following Content Security Policy directive/);
  await page.evaluate(() => {
    const probe = document.createElement('div');
    probe.innerHTML = '<img src="data:," onerror="window.injected = true">';
    document.body.append(probe);
  });
  await expect.poll(() => page.evaluate(() => window.cspViolations)).toEqual(['script-src-attr inline']);
  expect(await page.evaluate(() => window.injected)).toBeUndefined();
});
