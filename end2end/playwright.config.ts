// Playwright runs the real `hookhub` binary on a fresh SQLite file and drives Debian's Chromium.
// The binary and its assets come from `cargo leptos build` (scripts/test.sh runs it first).
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = Number(process.env.HOOKHUB_E2E_PORT ?? 3100);
const binary = process.env.HOOKHUB_BIN ?? '../target/debug/hookhub';
// The config is evaluated again in every worker; the environment keeps them on one directory.
process.env.HOOKHUB_E2E_DATA ??= mkdtempSync(join(tmpdir(), 'hookhub-e2e-'));
const database = `sqlite://${process.env.HOOKHUB_E2E_DATA}/hookhub.db`;

export default defineConfig({
  testDir: './tests',
  // One server and one database: tests use unique names, and run one at a time for clear logs.
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          // Root in a closed network: no sandbox, and nothing that phones home.
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: {
    // --demo-admin with HOOKHUB_PASSWORD: the administrator the tests log in as (fixtures.ts).
    // Loopback is allowed explicitly (the tests' receiver lives there); retries and the failure
    // window are seconds so that a failing endpoint turns failed within a test.
    command:
      `${binary} serve --listen 127.0.0.1:${port} --site-root ../target/site --database-url ${database}` +
      ' --demo-admin --allow-targets 127.0.0.1 --retry-schedule 1s,1s --failure-window 1s',
    env: { HOOKHUB_PASSWORD: 'end-to-end password', RUST_LOG: 'warn' },
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    stdout: 'pipe',
    timeout: 60_000,
  },
});
