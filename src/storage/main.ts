/**
 * Entry point of the local Storage server: `STACK_PROFILE=dev|test tsx src/storage/main.ts`.
 * Logs one line when ready, exits non-zero with a one-line reason on fatal errors, and shuts down
 * cleanly on SIGTERM/SIGINT. Readiness: `GET http://127.0.0.1:<ports.storage>/health`.
 */
import { loadStorageConfig } from './config.ts';
import { startStorageServer } from './server.ts';

async function main(): Promise<void> {
  const config = loadStorageConfig();
  const storage = await startStorageServer(config);
  process.stdout.write(
    `[storage] ready on http://${config.host}:${storage.port} (profile ${config.profile}, objects in ${config.root}, ` + `${config.buckets.length} configured bucket(s))\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`[storage] ${signal}: shutting down\n`);
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    storage.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`[storage] fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
