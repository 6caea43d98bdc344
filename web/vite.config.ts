/**
 * The web app's build. `@kit/sdk` is the one alias to the SDK: the built package in `dist/sdk` (`npm run build:sdk`). The dev and preview servers answer
 * `/config.json` (the stack's URL and publishable key, given at runtime by `KIT_*` variables, so one
 * build runs against any stack) and, when the stack runs the local fake Stripe, relay
 * `/__fake-stripe/*` to it for the local checkout (a real deployment uses Stripe.js instead).
 */
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

type Next = (error?: unknown) => void;

/** The runtime configuration the app reads first. */
export function runtimeConfig(): Record<string, unknown> {
  return {
    apiUrl: process.env.KIT_API_URL ?? 'http://127.0.0.1:54321',
    publishableKey: process.env.KIT_PUBLISHABLE_KEY ?? 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH',
    fakeStripe: Boolean(process.env.KIT_FAKE_STRIPE_URL),
  };
}

function stackConfig(): Plugin {
  const handler = async (req: IncomingMessage, res: ServerResponse, next: Next) => {
    const url = req.url ?? '/';
    if (url === '/config.json') {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'no-store');
      res.end(JSON.stringify(runtimeConfig()));
      return;
    }
    const fake = process.env.KIT_FAKE_STRIPE_URL;
    const match = /^\/__fake-stripe\/payment_intents\/([A-Za-z0-9_]+)\/succeed$/.exec(url);
    if (fake && match && req.method === 'POST') {
      try {
        const answer = await fetch(`${fake}/_fake/payment_intents/${match[1]}/succeed`, { method: 'POST' });
        res.statusCode = answer.status;
        res.setHeader('Content-Type', 'application/json');
        res.end(await answer.text());
      } catch (error) {
        next(error);
      }
      return;
    }
    next();
  };
  return {
    name: 'kit-stack-config',
    configureServer: (server) => void server.middlewares.use((req, res, next) => void handler(req, res, next)),
    configurePreviewServer: (server) => void server.middlewares.use((req, res, next) => void handler(req, res, next)),
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), stackConfig()],
  resolve: { alias: { '@kit/sdk': fileURLToPath(new URL('../dist/sdk/index.js', import.meta.url)) } },
  server: { host: '127.0.0.1', strictPort: true },
  preview: { host: '127.0.0.1', strictPort: true },
  build: {
    outDir: process.env.KIT_WEB_OUT_DIR ?? 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
    // terser (two compress passes) gives ~5 % less gzipped JS than esbuild's minifier: the first page stays within its budget.
    minify: 'terser',
    terserOptions: { compress: { passes: 2 } },
  },
});
