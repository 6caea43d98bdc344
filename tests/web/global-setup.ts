/**
 * Before the journeys: build the web app and serve it for the stack under test (SUPABASE_URL and
 * SUPABASE_PUBLISHABLE_KEY, as `npm test` exports them; STRIPE_FAKE_URL when the stack runs the fake
 * Stripe). WEB_URL, when set, is used instead (e.g. a running `npm run dev`).
 */
import path from 'node:path';
import { buildWeb, serveWeb } from './serve.ts';

export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.WEB_URL) return undefined;
  const apiUrl = process.env.SUPABASE_URL;
  const publishableKey = process.env.SUPABASE_PUBLISHABLE_KEY;
  if (!apiUrl || !publishableKey) throw new Error('SUPABASE_URL and SUPABASE_PUBLISHABLE_KEY must be set: run the journeys with `npm test`');
  const outDir = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'web-dist');
  await buildWeb(outDir, process.env.WEB_REUSE_BUILD === '1');
  const served = await serveWeb(outDir, { apiUrl, publishableKey, fakeStripeUrl: process.env.STRIPE_FAKE_URL });
  process.env.WEB_URL = served.url;
  console.log(`[web] serving the built app at ${served.url} for ${apiUrl}`);
  return served.close;
}
