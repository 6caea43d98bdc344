/**
 * `npm run dev [-- --reset]`: starts the local stack and the web app's dev server in the foreground, prints where everything is,
 * reloads the Edge Functions when a file under supabase/functions changes, and stops every service on
 * Ctrl-C or SIGTERM.
 */
import { existsSync, readdirSync, statSync, watch } from 'node:fs';
import path from 'node:path';
import { loadStackConfig, supabaseDir } from './config.ts';
import type { Supervisor } from './supervisor.ts';
import { demoUsers, startStack, statusBlock } from './stack.ts';

/**
 * Reloads the functions server a moment after the last change under supabase/functions (as
 * `supabase functions serve` does). Each folder gets its own watcher: editors and `sed -i` replace
 * files by renaming, which a folder's watcher sees and a file's does not.
 */
function watchFunctions(supervisor: Supervisor): void {
  const root = path.join(supabaseDir, 'functions');
  const watched = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let changed = new Set<string>();
  const changedFile = (file: string) => {
    if (!/\.(ts|tsx|js|mjs|json)$|(^|\/)\.env$/.test(file)) return;
    changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...changed].sort();
      changed = new Set();
      void supervisor.reload('functions', `changed: ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}`);
    }, 300);
  };
  const watchFolder = (dir: string) => {
    if (watched.has(dir)) return;
    watched.add(dir);
    watch(dir, (_event, name) => {
      if (!name) return;
      const full = path.join(dir, name);
      if (existsSync(full) && statSync(full).isDirectory()) watchFolder(full);
      changedFile(path.relative(root, full));
    }).unref();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'node_modules') watchFolder(path.join(dir, entry.name));
    }
  };
  watchFolder(root);
}

const reset = process.argv.includes('--reset');
const config = loadStackConfig('dev');
const started = Date.now();

try {
  const stack = await startStack(config, { reset });
  const users = await demoUsers(config).catch(() => []);
  console.log(`\nLocal Supabase stack is running (${((Date.now() - started) / 1000).toFixed(1)} s).\n`);
  console.log(statusBlock(config, users));
  // Imported only now: loading Vite took a quarter of a second of CPU before the stack began to start.
  const { startWebDevServer } = await import('../../web/dev.ts');
  const web = await startWebDevServer({
    apiUrl: config.apiUrl,
    publishableKey: config.keys.publishableKey,
    apiPort: config.ports.api,
    fakeStripeUrl: config.fakeStripe.enabled ? config.fakeStripe.url : undefined,
  }).catch((error: unknown) => {
    console.log(`  Web app           not started: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  if (web) console.log(`  Web app           ${web.url}  (web/, Vite; STACK_WEB=0 skips it)`);
  watchFunctions(stack.supervisor);
  console.log('\nEdge Functions reload when supabase/functions changes. Press Ctrl-C to stop.');
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[stack] ${signal}: stopping all services`);
    await web?.close();
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  console.error(`[stack] ${(error as Error).message}`);
  process.exit(1);
}
