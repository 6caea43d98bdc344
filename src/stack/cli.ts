/**
 * `npm run dev [-- --reset]`: starts the local stack in the foreground, prints where everything is,
 * and stops every service on Ctrl-C or SIGTERM.
 */
import { loadStackConfig } from './config.ts';
import { demoUsers, startStack, statusBlock } from './stack.ts';

const reset = process.argv.includes('--reset');
const config = loadStackConfig('dev');
const started = Date.now();

try {
  const stack = await startStack(config, { reset });
  const users = await demoUsers(config).catch(() => []);
  console.log(`\nLocal Supabase stack is running (${((Date.now() - started) / 1000).toFixed(1)} s).\n`);
  console.log(statusBlock(config, users));
  console.log('\nPress Ctrl-C to stop.');
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[stack] ${signal}: stopping all services`);
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  console.error(`[stack] ${(error as Error).message}`);
  process.exit(1);
}
