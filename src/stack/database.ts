/**
 * The stack's own PostgreSQL 15 cluster: created in the stack's data folder (never the machine's
 * system cluster), bootstrapped like a Supabase database, migrated with the real Supabase CLI and
 * seeded. PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, chownSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { StackConfig } from './config.ts';
import { projectRoot, supabaseDir } from './config.ts';
import { PG_BIN } from './setup.ts';
import type { ServiceSpec } from './supervisor.ts';

const BOOTSTRAP_DIR = path.join(projectRoot, 'src', 'stack', 'bootstrap');

/** The OS user that owns and runs the cluster: `postgres` when we are root, ourselves otherwise. */
function clusterOwner(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/** Lets `uid` traverse every ancestor of `dir` (mktemp folders are 0700); adds only o+x. */
function ensureTraversable(dir: string): void {
  let current = path.dirname(dir);
  while (current !== path.dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) chmodSync(current, mode | 0o001);
    current = path.dirname(current);
  }
}

export function clusterDir(config: StackConfig): string {
  return path.join(config.dataDir, 'db');
}

/** Written once bootstrap, migrations and seed have all succeeded on a new cluster. */
function readyMarker(config: StackConfig): string {
  return path.join(config.dataDir, 'db-ready');
}

/** True when a cluster exists and its first setup finished (a half-made cluster is recreated). */
export function clusterExists(config: StackConfig): boolean {
  return existsSync(path.join(clusterDir(config), 'PG_VERSION')) && existsSync(readyMarker(config));
}

export function markClusterReady(config: StackConfig): void {
  writeFileSync(readyMarker(config), new Date().toISOString());
}

export function removeCluster(config: StackConfig): void {
  rmSync(readyMarker(config), { force: true });
  rmSync(clusterDir(config), { recursive: true, force: true });
}

/** `initdb` with `supabase_admin` as the bootstrap superuser, and Supabase-like settings. */
export function initCluster(config: StackConfig): void {
  const dir = clusterDir(config);
  const owner = clusterOwner();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(config.dataDir, '.pwfile');
  writeFileSync(pwfile, `${config.dbPassword}\n`, { mode: 0o600 });
  if (owner.uid !== undefined) {
    ensureTraversable(dir);
    chownSync(dir, owner.uid, owner.gid!);
    chownSync(pwfile, owner.uid, owner.gid!);
  }
  const result = spawnSync(
    path.join(PG_BIN, 'initdb'),
    ['-D', dir, '-U', 'supabase_admin', `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8'],
    { ...owner, encoding: 'utf8' },
  );
  rmSync(pwfile, { force: true });
  if (result.status !== 0) throw new Error(`initdb failed:\n${result.stderr || result.stdout}`);
  writeFileSync(
    path.join(dir, 'postgresql.auto.conf'),
    [
      "listen_addresses = '127.0.0.1'",
      "unix_socket_directories = ''",
      "shared_preload_libraries = 'pg_cron, plpgsql_check'",
      "cron.database_name = 'postgres'",
      // pg_cron runs jobs in background workers: no libpq login needed (there is no unix socket).
      'cron.use_background_workers = on',
      'max_worker_processes = 32',
      'max_connections = 200',
      "log_min_messages = 'warning'",
      "timezone = 'UTC'",
      '',
    ].join('\n'),
  );
  if (owner.uid !== undefined) chownSync(path.join(dir, 'postgresql.auto.conf'), owner.uid, owner.gid!);
}

/**
 * Durability is decided at every start (command-line settings win over the cluster's files), so a
 * cluster made by an older version with fsync off becomes durable on its next `npm run dev`. Only the
 * throwaway test cluster, rebuilt on every run, trades a crash's acknowledged commits for speed.
 */
export function durabilitySettings(config: Pick<StackConfig, 'durable'>): string[] {
  const value = config.durable ? 'on' : 'off';
  return ['fsync', 'synchronous_commit', 'full_page_writes'].flatMap((name) => ['-c', `${name}=${value}`]);
}

/**
 * The folder of the cluster's Unix socket, which PostgREST connects through (a local socket skips the
 * TCP stack; docs/benchmarks.md has what it measured). Undefined when sockets are off
 * (STACK_DB_SOCKET=0) or the path would not fit a socket address (107 bytes). Only the cluster's
 * owner (and root) may enter it: local connections are trusted, as `initdb --auth-local=trust` made
 * them, so the folder's mode is the access rule.
 */
export function socketDir(config: StackConfig): string | undefined {
  if (process.env.STACK_DB_SOCKET === '0') return undefined;
  const dir = path.join(config.dataDir, 'sock');
  return Buffer.byteLength(path.join(dir, `.s.PGSQL.${config.ports.db}.lock`)) <= 100 ? dir : undefined;
}

/** The cluster as a supervised service. */
export function postgresService(config: StackConfig): ServiceSpec {
  const sockets = socketDir(config);
  if (sockets) {
    mkdirSync(sockets, { recursive: true, mode: 0o700 });
    const owner = clusterOwner();
    if (owner.uid !== undefined) chownSync(sockets, owner.uid, owner.gid!);
  }
  return {
    name: 'postgres',
    command: path.join(PG_BIN, 'postgres'),
    args: ['-D', clusterDir(config), '-p', String(config.ports.db), ...durabilitySettings(config), ...(sockets ? ['-c', `unix_socket_directories=${sockets}`] : [])],
    ...clusterOwner(),
    ready: async () => {
      const client = new pg.Client({ connectionString: superuserUrl(config), connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('select 1');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    startTimeoutMs: 30_000,
  };
}

export function superuserUrl(config: StackConfig): string {
  return `postgresql://supabase_admin:${config.dbPassword}@127.0.0.1:${config.ports.db}/postgres`;
}

/** Runs a SQL file with psql; on error, throws with the file name and PostgreSQL's message only. */
export function runSqlFile(url: string, file: string): void {
  const result = spawnSync(path.join(PG_BIN, 'psql'), [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file], {
    encoding: 'utf8',
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  });
  if (result.status !== 0) {
    throw new Error(`${path.relative(projectRoot, file)} failed: ${(result.stderr || result.stdout).trim()}`);
  }
}

/**
 * What the Supabase CLI runs when `[api] auto_expose_new_tables = false`: postgres's default privileges
 * in public no longer reach the API roles. The CLI revokes only the DML, sequence and EXECUTE parts;
 * this revokes all of them (TRUNCATE, REFERENCES, TRIGGER and sequence UPDATE too), so a new object
 * carries no API-role privilege at all until a migration grants one: stricter than hosted, never looser.
 */
export const REVOKE_API_DEFAULT_PRIVILEGES = `
alter default privileges for role postgres in schema public revoke all on tables from anon, authenticated, service_role;
alter default privileges for role postgres in schema public revoke all on sequences from anon, authenticated, service_role;
alter default privileges for role postgres in schema public revoke all on functions from anon, authenticated, service_role;
`;

/** Applies the platform bootstrap (roles, schemas, auth tables), then the `[api]` default privileges. */
export function applyBootstrap(config: StackConfig): void {
  for (const file of readdirSync(BOOTSTRAP_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    runSqlFile(superuserUrl(config), path.join(BOOTSTRAP_DIR, file));
  }
  if (!config.api.autoExposeNewTables) runSql(superuserUrl(config), REVOKE_API_DEFAULT_PRIVILEGES);
}

function runSql(url: string, sql: string): void {
  const result = spawnSync(path.join(PG_BIN, 'psql'), [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`applying the [api] default privileges failed: ${(result.stderr || result.stdout).trim()}`);
}

/**
 * The migration files the database has not recorded as applied (the CLI's own
 * `supabase_migrations.schema_migrations`). Asking Postgres takes milliseconds where the CLI's
 * `migration up` takes most of a second to find that there is nothing to do, so a warm start asks
 * first and runs the CLI only when something is pending.
 */
export async function pendingMigrations(config: Pick<StackConfig, 'dbUrl'>): Promise<string[]> {
  const client = new pg.Client({ connectionString: config.dbUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>('select version from supabase_migrations.schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    return migrationFiles().filter((file) => !applied.has(file.split('_')[0]!));
  } catch {
    // No history table yet (or unreadable): let the CLI decide.
    return migrationFiles();
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Applies pending `supabase/migrations` through the real Supabase CLI, then (on a new database) the seed. */
export function applyMigrationsAndSeed(config: Pick<StackConfig, 'dbUrl' | 'seedPaths'>, options: { seed: boolean; workdir?: string }): void {
  const cli = path.join(projectRoot, 'node_modules', '.bin', 'supabase');
  const workdir = options.workdir ?? projectRoot;
  const result = spawnSync(cli, ['migration', 'up', `--remote=${config.dbUrl}`, '--yes', '--workdir', workdir], {
    encoding: 'utf8',
    cwd: workdir,
  });
  if (result.status !== 0) throw new Error(migrationError(result.stdout + result.stderr));
  if (!options.seed) return;
  for (const seed of config.seedPaths.filter((p) => existsSync(p))) runSqlFile(config.dbUrl, seed);
}

/** Reduces the CLI's output to the migration file and the SQL error. */
export function migrationError(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/tls|certificate|WARN/i.test(l));
  const file = [...output.matchAll(/Applying migration (\S+\.sql)/g)].pop()?.[1];
  const at = lines.findIndex((l) => l.startsWith('ERROR'));
  const error = at >= 0 ? lines.slice(at, at + 3).join(' | ') : lines.slice(-3).join(' ');
  return `migration ${file ? `supabase/migrations/${file}` : '(unknown file)'} failed: ${error}`;
}

export function migrationFiles(): string[] {
  const dir = path.join(supabaseDir, 'migrations');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.sql'))
        .sort()
    : [];
}

/**
 * A new database is the same every time for the same bootstrap, migrations, seed and settings, and
 * building it (initdb, bootstrap, the CLI applying every migration, the seed) is most of a cold start.
 * So the first build is kept, stopped and clean, in `.stack/templates/<fingerprint>`, and the next new
 * database with the same fingerprint is a copy of it. Any change to those inputs (or to this file,
 * which writes the cluster's settings) gives another fingerprint and a full build.
 */
export function clusterFingerprint(config: Pick<StackConfig, 'dbPassword' | 'seedPaths' | 'api'>): string {
  const hash = createHash('sha256');
  const add = (file: string) => {
    hash.update(`${path.relative(projectRoot, file)}\0`);
    hash.update(existsSync(file) ? readFileSync(file) : Buffer.alloc(0));
  };
  for (const file of readdirSync(BOOTSTRAP_DIR).sort()) add(path.join(BOOTSTRAP_DIR, file));
  for (const file of migrationFiles()) add(path.join(supabaseDir, 'migrations', file));
  for (const file of config.seedPaths) add(file);
  add(path.join(supabaseDir, 'config.toml'));
  add(path.join(projectRoot, 'src', 'stack', 'database.ts'));
  hash.update(`${config.dbPassword}\0${config.api.autoExposeNewTables}\0${PG_BIN}`);
  return hash.digest('hex').slice(0, 16);
}

const templatesDir = path.join(projectRoot, '.stack', 'templates');

export function templateDir(fingerprint: string): string {
  return path.join(templatesDir, fingerprint);
}

/** Copies a kept template into the cluster folder; false when there is none for the fingerprint. */
export function restoreTemplate(config: StackConfig, fingerprint: string): boolean {
  const template = templateDir(fingerprint);
  if (!existsSync(path.join(template, 'PG_VERSION'))) return false;
  removeCluster(config);
  mkdirSync(config.dataDir, { recursive: true });
  if (process.getuid?.() === 0) ensureTraversable(clusterDir(config));
  const result = spawnSync('cp', ['-a', template, clusterDir(config)], { encoding: 'utf8' });
  if (result.status !== 0) {
    rmSync(clusterDir(config), { recursive: true, force: true });
    return false;
  }
  return true;
}

/** Keeps a stopped, freshly built cluster as the template of its fingerprint (replacing older ones). */
export function saveTemplate(config: StackConfig, fingerprint: string): void {
  mkdirSync(templatesDir, { recursive: true });
  const staging = path.join(templatesDir, `.${fingerprint}.${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const result = spawnSync('cp', ['-a', clusterDir(config), staging], { encoding: 'utf8' });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    return;
  }
  // Files of a running server that a copy must not carry.
  rmSync(path.join(staging, 'postmaster.pid'), { force: true });
  try {
    if (existsSync(templateDir(fingerprint))) rmSync(staging, { recursive: true, force: true });
    else renameSync(staging, templateDir(fingerprint));
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  for (const entry of readdirSync(templatesDir)) {
    if (entry !== fingerprint && !entry.startsWith('.')) rmSync(path.join(templatesDir, entry), { recursive: true, force: true });
  }
}
