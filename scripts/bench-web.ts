/**
 * `npm run bench web`: the web app in headless Chromium (Debian's) against a running stack
 * (`npm run dev`; STACK_* variables pick its ports). Reports
 * - the gzipped JavaScript the first page loads (the signed-out home page, and the sign-in page);
 * - time to interactive of the client dashboard (`/wallet`, signed in: balance and history shown),
 *   median of 5 cold page loads, next to a baseline measured in the same run (the signed-out home
 *   page's first render);
 * - the API requests each page makes and the depth of their longest chain (a request that starts only
 *   after another one answered is one level deeper).
 * Reports figures, asserts nothing.
 */
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { loadStackConfig, projectRoot } from '../src/stack/config.ts';
import { buildWeb, serveWeb } from '../tests/web/serve.ts';

const config = loadStackConfig('dev');
const apiUrl = process.env.SUPABASE_URL ?? config.apiUrl;
const outDir = path.join(projectRoot, 'test-results', 'web-bench-dist');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await buildWeb(outDir);
const served = await serveWeb(outDir, { apiUrl, publishableKey: config.keys.publishableKey });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });

async function jsBytes(route: string): Promise<{ files: number; raw: number; gzip: number }> {
  const context = await browser.newContext({ baseURL: served.url });
  const page = await context.newPage();
  const bodies: Promise<[string, Buffer]>[] = [];
  page.on('response', (response) => {
    if (response.url().startsWith(served.url) && response.url().endsWith('.js')) bodies.push(response.body().then((b) => [response.url(), b]));
  });
  await page.goto(route, { waitUntil: 'networkidle' });
  const all = await Promise.all(bodies);
  await context.close();
  const sizes = all.map(([url, b]) => ({ name: path.basename(url), raw: b.length, gzip: gzipSync(b, { level: 9 }).length }));
  if (process.env.BENCH_VERBOSE) for (const s of sizes.sort((a, b) => b.gzip - a.gzip)) console.log(`    ${s.name} ${(s.gzip / 1024).toFixed(1)} kB`);
  return { files: all.length, raw: sizes.reduce((n, s) => n + s.raw, 0), gzip: sizes.reduce((n, s) => n + s.gzip, 0) };
}

/** API requests while `route` loads, and the depth of their longest chain. */
async function apiRequests(page: Page, route: string): Promise<{ count: number; depth: number }> {
  const seen: { start: number; end: number }[] = [];
  const started = new Map<object, number>();
  const onRequest = (request: object & { url(): string }) => {
    if (request.url().startsWith(apiUrl)) started.set(request, performance.now());
  };
  const onDone = (request: object & { url(): string }) => {
    const start = started.get(request);
    if (start !== undefined) seen.push({ start, end: performance.now() });
  };
  page.on('request', onRequest);
  page.on('requestfinished', onDone);
  page.on('requestfailed', onDone);
  await page.goto(route, { waitUntil: 'networkidle' });
  await page.waitForTimeout(300);
  page.off('request', onRequest);
  page.off('requestfinished', onDone);
  page.off('requestfailed', onDone);
  seen.sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  seen.forEach((r, i) => {
    depth[i] = 1 + Math.max(0, ...seen.slice(0, i).map((q, j) => (q.end <= r.start ? depth[j]! : 0)));
  });
  return { count: seen.length, depth: Math.max(0, ...depth) };
}

try {
  const home = await jsBytes('/');
  const signInPage = await jsBytes('/sign-in');
  console.log(`first page JS: home ${home.files} files, ${(home.raw / 1024).toFixed(1)} kB raw, ${(home.gzip / 1024).toFixed(1)} kB gzipped`);
  console.log(`              sign-in ${signInPage.files} files, ${(signInPage.gzip / 1024).toFixed(1)} kB gzipped (budget 200 kB)`);

  // Baseline: the signed-out home page's first render, 5 cold loads.
  const baseline: number[] = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext({ baseURL: served.url });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Welcome' }).waitFor();
    baseline.push(await page.evaluate(() => performance.now()));
    await context.close();
  }

  // The client dashboard, signed in (the session is in localStorage), 5 cold loads.
  const context = await browser.newContext({ baseURL: served.url });
  const signIn = await context.newPage();
  await signIn.goto('/sign-in');
  await signIn.getByLabel(/^E-mail/).fill('client@example.test');
  await signIn.getByLabel(/^Password/).fill('demo-password-1');
  await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();
  await signIn
    .getByTestId('balance')
    .filter({ hasText: /\d+ points/ })
    .waitFor()
    .catch(async (error: unknown) => {
      await signIn.screenshot({ path: path.join(projectRoot, 'test-results', 'bench-web-sign-in.png') });
      throw error;
    });
  const state = await context.storageState();
  await context.close();
  const tti: number[] = [];
  for (let i = 0; i < 5; i++) {
    const cold = await browser.newContext({ baseURL: served.url, storageState: state });
    const page = await cold.newPage();
    await page.goto('/wallet');
    await page
      .getByTestId('balance')
      .filter({ hasText: /\d+ points/ })
      .waitFor();
    await page.getByRole('table', { name: 'Wallet history' }).getByRole('row').nth(1).waitFor();
    tti.push(await page.evaluate(() => performance.now()));
    await cold.close();
  }
  console.log(`time to interactive, client dashboard: median ${median(tti).toFixed(0)} ms of [${tti.map((t) => t.toFixed(0)).join(', ')}] (budget 1500 ms)`);
  console.log(`baseline, signed-out home first render: median ${median(baseline).toFixed(0)} ms; ratio ${(median(tti) / median(baseline)).toFixed(2)}×`);

  const counting = await browser.newContext({ baseURL: served.url, storageState: state });
  const page = await counting.newPage();
  const routes = ['/', '/tools', '/wallet', '/wallet/buy', '/usages', '/vouchers', '/devices', '/profile', '/support'];
  console.log('\nAPI requests per page (client@example.test), longest chain:');
  for (const route of routes) {
    const r = await apiRequests(page, route);
    console.log(`  ${route.padEnd(14)} ${String(r.count).padStart(3)} requests, depth ${r.depth}`);
  }
  await counting.close();
} finally {
  await browser.close();
  await served.close();
}
