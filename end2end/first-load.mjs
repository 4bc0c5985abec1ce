// Prints what a cold first load of a dashboard page transfers: each response's bytes on the wire
// (headers and body, as compressed), its encoding and its size once decoded, then the totals. Logs in first, then loads the
// page with the browser cache off, waits until it has hydrated and the network is idle, and says
// how long the page took to show and to hydrate (become able to act). With --slow, the load runs
// on DevTools' "Slow 4G" network (562.5 ms round trip, 1.44 Mbit/s down, 675 kbit/s up) with the
// CPU slowed 4×.
//
//   HOOKHUB_URL=http://127.0.0.1:3000 HOOKHUB_PASSWORD=… node first-load.mjs [--slow] [/projects/default]
import { chromium } from '@playwright/test';

const base = process.env.HOOKHUB_URL ?? 'http://127.0.0.1:3000';
const username = process.env.HOOKHUB_USER ?? 'admin';
const password = process.env.HOOKHUB_PASSWORD;
const args = process.argv.slice(2);
const slow = args.includes('--slow');
const path = args.find((arg) => !arg.startsWith('--')) ?? '/projects/default';
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
if (slow) {
  // DevTools' "Slow 4G" preset, as its own numbers (throughputs in bytes per second).
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 562.5,
    downloadThroughput: (1.6 * 1000 * 1000 * 0.9) / 8,
    uploadThroughput: (750 * 1000 * 0.9) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
}
const responses = new Map();
cdp.on('Network.responseReceived', ({ requestId, response }) => {
  const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]));
  responses.set(requestId, { url: response.url, encoding: headers['content-encoding'] ?? '-', bytes: 0, decoded: 0 });
});
cdp.on('Network.dataReceived', ({ requestId, dataLength }) => {
  const response = responses.get(requestId);
  if (response) response.decoded += dataLength;
});
cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
  const response = responses.get(requestId);
  if (response) response.bytes = encodedDataLength;
});

const started = Date.now();
await page.goto(base + path, { waitUntil: 'commit' });
await page.locator('main').waitFor();
const shown = Date.now() - started;
await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 60_000 });
const hydrated = Date.now() - started;
await page.waitForLoadState('networkidle');
await browser.close();

const kb = (bytes) => `${(bytes / 1024).toFixed(1).padStart(9)} KB`;
let total = 0;
let decoded = 0;
console.log('  on the wire  encoding   decoded  response');
for (const response of responses.values()) {
  total += response.bytes;
  decoded += response.decoded;
  console.log(`${kb(response.bytes)}  ${response.encoding.padEnd(5)} ${kb(response.decoded)}  ${response.url.replace(base, '')}`);
}
console.log(`${kb(total)}        ${kb(decoded)}  total, cold first load of ${path}`);
const profile = slow ? 'Slow 4G + 4× CPU' : 'no throttling';
console.log(`shown after ${shown} ms, hydrated after ${hydrated} ms (${profile})`);
