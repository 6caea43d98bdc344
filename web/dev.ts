/**
 * The web app's Vite dev server for `npm run dev`: started with the stack, pointed at it (the stack's
 * URL, publishable key and, with STACK_FAKE_STRIPE=1, the fake Stripe for the local checkout).
 * Port: STACK_WEB_PORT, else the API port + 79 (54400 next to the default 54321). STACK_WEB=0 skips it.
 */
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { ensureSdkBuilt } from '../scripts/build-sdk.ts';

export interface WebStack {
  apiUrl: string;
  publishableKey: string;
  apiPort: number;
  fakeStripeUrl?: string;
}

export async function startWebDevServer(stack: WebStack): Promise<{ url: string; close: () => Promise<void> } | null> {
  if (process.env.STACK_WEB === '0') return null;
  // The app imports the built SDK (dist/sdk): build it when it is missing or older than src/sdk.
  await ensureSdkBuilt();
  process.env.KIT_API_URL = stack.apiUrl;
  process.env.KIT_PUBLISHABLE_KEY = stack.publishableKey;
  if (stack.fakeStripeUrl) process.env.KIT_FAKE_STRIPE_URL = stack.fakeStripeUrl;
  const port = Number(process.env.STACK_WEB_PORT ?? stack.apiPort + 79);
  const server = await withoutViteExitHandlers(() =>
    createServer({
      configFile: fileURLToPath(new URL('./vite.config.ts', import.meta.url)),
      logLevel: 'warn',
      server: { port, strictPort: true, host: '127.0.0.1' },
    }),
  );
  await server.listen();
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/**
 * Runs `create` (a Vite dev or preview server) without the handlers Vite adds to exit the process on
 * SIGTERM or when stdin ends: the process that embeds it (the stack's CLI, the test runner) decides
 * when to stop, and stops the server itself first.
 */
export async function withoutViteExitHandlers<T>(create: () => Promise<T>): Promise<T> {
  const sigterm = new Set(process.listeners('SIGTERM'));
  const stdinEnd = new Set(process.stdin.listeners('end'));
  const created = await create();
  for (const listener of process.listeners('SIGTERM')) if (!sigterm.has(listener)) process.off('SIGTERM', listener);
  for (const listener of process.stdin.listeners('end')) if (!stdinEnd.has(listener)) process.stdin.off('end', listener as () => void);
  return created;
}
