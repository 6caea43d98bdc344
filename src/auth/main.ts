/**
 * Entry point of the local auth server: `STACK_PROFILE=dev|test tsx src/auth/main.ts`.
 * Logs one line when ready, exits non-zero with a one-line reason on fatal errors, and shuts down
 * cleanly on SIGTERM/SIGINT. Readiness: `GET http://127.0.0.1:<ports.auth>/health`.
 */
import { loadAuthConfig } from './config.ts';
import { startAuthServer } from './server.ts';

async function main(): Promise<void> {
  const config = loadAuthConfig();
  const auth = await startAuthServer(config);
  const signing = auth.deps.keys.algorithm;
  process.stdout.write(
    `[auth] ready on http://${config.host}:${auth.port} (profile ${config.profile}, ${signing} tokens, ` +
      `bcrypt cost ${config.bcryptCost}, rate limits ${config.rateLimit.enabled ? 'on' : 'off'})\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`[auth] ${signal}: shutting down\n`);
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    auth.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`[auth] fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
