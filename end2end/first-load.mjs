// Prints what a cold first load of a dashboard page transfers: each response's bytes on the wire
// (headers and body, as compressed) and encoding, then the total. Logs in first, then loads the
// page with the browser cache off, waits until it has hydrated and the network is idle.
//
//   HOOKHUB_URL=http://127.0.0.1:3000 HOOKHUB_PASSWORD=… node first-load.mjs [/projects/default]
import { chromium } from '@playwright/test';

const base = process.env.HOOKHUB_URL ?? 'http://127.0.0.1:3000';
const username = process.env.HOOKHUB_USER ?? 'admin';
const password = process.env.HOOKHUB_PASSWORD;
const path = process.argv[2] ?? '/projects/default';
if (!password) throw new Error('HOOKHUB_PASSWORD is required');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const context = await browser.newContext();
const login = await context.request.post(`${base}/_hookhub/login`, {
  form: { username, password, next: '/' },
  headers: { accept: 'text/html' },
  maxRedirects: 0,
});
if (login.status() !== 302) throw new Error(`login answered ${login.status()}`);

const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
const responses = new Map();
cdp.on('Network.responseReceived', ({ requestId, response }) => {
  const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]));
  responses.set(requestId, { url: response.url, encoding: headers['content-encoding'] ?? '-', bytes: 0 });
});
cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
  const response = responses.get(requestId);
  if (response) response.bytes = encodedDataLength;
});

await page.goto(base + path);
await page.locator('body[data-hydrated="true"]').waitFor();
await page.waitForLoadState('networkidle');
await browser.close();

let total = 0;
for (const { url, encoding, bytes } of responses.values()) {
  total += bytes;
  console.log(`${(bytes / 1024).toFixed(1).padStart(9)} KB  ${encoding.padEnd(5)}  ${url.replace(base, '')}`);
}
console.log(`${(total / 1024).toFixed(1).padStart(9)} KB  total, cold first load of ${path}`);
