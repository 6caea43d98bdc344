/**
 * Builds the web app and serves it with Vite's preview server on a free port, configured for one
 * stack (`/config.json` from KIT_* variables, the fake Stripe relay). Used by the journeys' global
 * setup and by `npm run bench web`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import { ensureSdkBuilt } from '../../scripts/build-sdk.ts';
import { withoutViteExitHandlers } from '../../web/dev.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const webConfig = path.join(root, 'web', 'vite.config.ts');

export interface StackForWeb {
  apiUrl: string;
  publishableKey: string;
  fakeStripeUrl?: string;
}

/** Builds into `outDir` unless `reuse` and it is there already. */
export async function buildWeb(outDir: string, reuse = false): Promise<void> {
  if (reuse && existsSync(path.join(outDir, 'index.html'))) return;
  await ensureSdkBuilt();
  await build({ configFile: webConfig, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

/** Serves `outDir` for `stack`; answers its URL and a close function. */
export async function serveWeb(outDir: string, stack: StackForWeb, port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  process.env.KIT_API_URL = stack.apiUrl;
  process.env.KIT_PUBLISHABLE_KEY = stack.publishableKey;
  if (stack.fakeStripeUrl) process.env.KIT_FAKE_STRIPE_URL = stack.fakeStripeUrl;
  else delete process.env.KIT_FAKE_STRIPE_URL;
  const server: PreviewServer = await withoutViteExitHandlers(() =>
    preview({
      configFile: webConfig,
      logLevel: 'warn',
      build: { outDir },
      preview: { port, strictPort: port !== 0, host: '127.0.0.1' },
    }),
  );
  const address = server.httpServer.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    close: () => new Promise<void>((resolve) => server.httpServer.close(() => resolve())),
  };
}
