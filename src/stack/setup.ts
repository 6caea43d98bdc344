/**
 * Makes sure the machine has what npm cannot bring: PostgreSQL 15 with pgTAP, plpgsql_check and
 * pg_cron, nginx (the gateway's front), wrk (the benchmarks' load generator) and Chromium (browser
 * tests), as Debian packages. As root it installs what is missing; otherwise it names the exact
 * command. Idempotent: when everything is there it does nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PG_BIN = process.env.STACK_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const EXT = '/usr/share/postgresql/15/extension';
export const NGINX = process.env.STACK_NGINX_BIN ?? '/usr/sbin/nginx';

const requirements: { pkg: string; present: () => boolean }[] = [
  { pkg: 'postgresql-15', present: () => existsSync(`${PG_BIN}/postgres`) && existsSync(`${PG_BIN}/initdb`) },
  { pkg: 'postgresql-15-pgtap', present: () => existsSync(`${EXT}/pgtap.control`) },
  { pkg: 'libtap-parser-sourcehandler-pgtap-perl', present: () => onPath('pg_prove') },
  { pkg: 'postgresql-15-plpgsql-check', present: () => existsSync(`${EXT}/plpgsql_check.control`) },
  { pkg: 'postgresql-15-cron', present: () => existsSync(`${EXT}/pg_cron.control`) },
  // The API gateway's front (src/stack/nginx.ts) and the benchmarks' HTTP load generator.
  { pkg: 'nginx-light', present: () => existsSync(NGINX) },
  { pkg: 'wrk', present: () => onPath('wrk') },
  // The browser the web journeys (tests/web) and the SDK's package test drive; Playwright's own downloads are not used.
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
    const what = missing.some((p) => /postgresql|pgtap/.test(p)) ? 'PostgreSQL 15 packages are missing' : `System packages are missing (${missing.join(', ')})`;
    throw new Error(`${what}. Install them with:\n  sudo sh -c '${command}'`);
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
    console.log('[setup] system packages present: PostgreSQL 15, pgTAP, pg_prove, plpgsql_check, pg_cron, nginx, wrk, Chromium');
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
