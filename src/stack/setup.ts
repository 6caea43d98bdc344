/**
 * Makes sure the machine has what npm cannot bring: PostgreSQL 15 with pgTAP, plpgsql_check and
 * pg_cron (Debian packages). As root it installs what is missing; otherwise it names the exact
 * command. Idempotent: when everything is there it does nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PG_BIN = process.env.STACK_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const EXT = '/usr/share/postgresql/15/extension';

const requirements: { pkg: string; present: () => boolean }[] = [
  { pkg: 'postgresql-15', present: () => existsSync(`${PG_BIN}/postgres`) && existsSync(`${PG_BIN}/initdb`) },
  { pkg: 'postgresql-15-pgtap', present: () => existsSync(`${EXT}/pgtap.control`) },
  { pkg: 'libtap-parser-sourcehandler-pgtap-perl', present: () => onPath('pg_prove') },
  { pkg: 'postgresql-15-plpgsql-check', present: () => existsSync(`${EXT}/plpgsql_check.control`) },
  { pkg: 'postgresql-15-cron', present: () => existsSync(`${EXT}/pg_cron.control`) },
  // The browser the web journeys (tests/web) drive; Playwright's own downloads are not used.
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
];

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export function missingPackages(): string[] {
  return requirements.filter((r) => !r.present()).map((r) => r.pkg);
}

/** Installs missing packages as root, or throws with the command a non-root user must run. */
export function ensureSystemPackages(say: (line: string) => void = console.log, uid = process.getuid?.()): void {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (uid !== 0) {
    throw new Error(`PostgreSQL 15 packages are missing. Install them with:\n  sudo sh -c '${command}'`);
  }
  say(`[setup] installing ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  const still = missingPackages();
  if (still.length > 0) throw new Error(`apt-get finished but these are still missing: ${still.join(', ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    ensureSystemPackages();
    console.log('[setup] system packages present: PostgreSQL 15, pgTAP, pg_prove, plpgsql_check, pg_cron');
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
