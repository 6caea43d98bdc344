/**
 * Entry point of the local mailbox: `STACK_PROFILE=dev|test tsx src/mailbox/main.ts`.
 * HTTP on 127.0.0.1:<ports.mailbox> (readiness: `GET /health`), SMTP on 127.0.0.1:<ports.smtp>.
 */
import { loadStackConfig } from '../stack/config.ts';
import { startMailbox } from './server.ts';

async function main(): Promise<void> {
  const profile = process.env.STACK_PROFILE === 'test' ? 'test' : 'dev';
  const config = loadStackConfig(profile);
  const mailbox = await startMailbox('127.0.0.1', config.ports.mailbox, undefined, config.ports.smtp);
  process.stdout.write(`[mailbox] ready on http://127.0.0.1:${mailbox.port}, SMTP on 127.0.0.1:${mailbox.smtpPort} (profile ${profile})\n`);
  const stop = () => {
    mailbox.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`[mailbox] fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
