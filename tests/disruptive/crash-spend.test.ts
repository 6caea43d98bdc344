/**
 * Crashes lose nothing that was acknowledged. A second, throwaway stack with `npm run dev`'s settings
 * (a durable cluster) runs while clients spend points through the gateway (`use-tool`, retrying each
 * spend with the same Idempotency-Key until it is answered); Postgres, the functions server and
 * PostgREST are killed with SIGKILL in turn. Afterwards every spend answered 2xx is in the ledger, no
 * key is charged twice, and every balance equals the sum of its ledger.
 *
 * The stack is started while client connections hold, as their source ports, the ports its internal
 * services had when they lay in the ephemeral range (the API port + 19…+23): it must still start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EPHEMERAL_PORTS, loadStackConfig, type StackConfig } from '../../src/stack/config.ts';
import { superuserUrl } from '../../src/stack/database.ts';
import { startStack, type StackHandle } from '../../src/stack/stack.ts';
import { eventually } from '../helpers/eventually.ts';

const WORKERS = 6;
const START_BALANCE = 1_000_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const STACK_VARIABLES = ['STACK_API_PORT', 'STACK_DB_PORT', 'STACK_MAILBOX_PORT', 'STACK_DATA_DIR', 'STACK_DURABLE'];
const savedEnv = Object.fromEntries(STACK_VARIABLES.map((name) => [name, process.env[name]]));

/**
 * `npm run dev`'s configuration on free ports in the ephemeral range, in a folder of its own. The
 * variables stay set while the stack runs: its services read their configuration from them.
 */
async function throwawayDevConfig(dataDir: string): Promise<StackConfig> {
  for (;;) {
    const base = 40000 + Math.floor(Math.random() * 600) * 30;
    process.env.STACK_API_PORT = String(base);
    process.env.STACK_DB_PORT = String(base + 1);
    process.env.STACK_MAILBOX_PORT = String(base + 3);
    process.env.STACK_DATA_DIR = dataDir;
    delete process.env.STACK_DURABLE; // the dev profile's own default
    const config = loadStackConfig('dev');
    const { api, db, mailbox, smtp, rest, restAdmin, auth, functions } = config.ports;
    const oldInternal = [19, 20, 21, 22, 23].map((offset) => base + offset);
    const all = [...new Set([api, db, mailbox, smtp, rest, restAdmin, auth, functions, ...oldInternal])];
    if ((await Promise.all(all.map(portFree))).every(Boolean)) return config;
  }
}

function restoreEnv(): void {
  for (const name of STACK_VARIABLES) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
}

/**
 * Client connections whose source ports are `ports`, as a connection the kernel gave an ephemeral port
 * holds it: without SO_REUSEADDR (which Node sets on every socket it binds itself, so a Node socket
 * could not show the problem), held by a small Perl process (Perl is already needed by pg_prove).
 */
async function holdSourcePorts(ports: number[]): Promise<{ child: ChildProcess; server: net.Server }> {
  const accepted: net.Socket[] = [];
  const server = net.createServer((socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.on('close', () => accepted.forEach((s) => s.destroy()));
  const target = (server.address() as net.AddressInfo).port;
  const script = `$| = 1; my @held = map { IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => ${target}, LocalAddr => '127.0.0.1', LocalPort => $_, Proto => 'tcp') or die "port $_: $!\\n" } @ARGV; print "held\\n"; <STDIN>;`;
  const child = spawn('perl', ['-MIO::Socket::INET', '-e', script, ...ports.map(String)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`could not hold ports ${ports.join(', ')} (exit ${code}): ${errors}`)));
  });
  return { child, server };
}

/** The local ports of the connections a process holds to 127.0.0.1:`port` (from /proc/net/tcp). */
function sourcePortsTo(port: number): number[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[2] === `0100007F:${hex}` && cols[3] === '01')
    .map((cols) => parseInt(cols[1]!.split(':')[1]!, 16))
    .sort((a, b) => a - b);
}

interface Spender {
  userId: string;
  accessToken: string;
}

/** What became of each Idempotency-Key: the usage a 2xx answer named. */
const acknowledged = new Map<string, { userId: string; usageId: string; status: number }>();
const unexpected: string[] = [];
let attempts = 0;
let retries = 0;

let dataDir: string;
let config: StackConfig;
let stack: StackHandle | undefined;
let held: Awaited<ReturnType<typeof holdSourcePorts>> | undefined;
let db: () => Promise<pg.Client>;

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = await db();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function api(pathname: string, init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> }): Promise<Response> {
  return fetch(`${config.apiUrl}${pathname}`, { ...init, headers: { 'User-Agent': 'crash-spend-test', ...init.headers }, signal: AbortSignal.timeout(15_000) });
}

/** Spends once with `key`, retrying with the same key until the answer is 2xx (or a refusal that is final). */
async function spend(spender: Spender, toolId: string, key: string): Promise<void> {
  for (;;) {
    attempts += 1;
    try {
      const response = await api('/functions/v1/use-tool', {
        method: 'POST',
        headers: { apikey: config.keys.publishableKey, Authorization: `Bearer ${spender.accessToken}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify({ tool_id: toolId }),
      });
      const body = (await response.json().catch(() => undefined)) as { usage?: { id: string } } | undefined;
      if (response.ok && body?.usage?.id) {
        acknowledged.set(key, { userId: spender.userId, usageId: body.usage.id, status: response.status });
        return;
      }
      if (response.status < 500) {
        unexpected.push(`${key}: ${response.status} ${JSON.stringify(body)}`);
        return;
      }
    } catch {
      // connection reset or timeout while a service died: the answer is unknown, so ask again
    }
    retries += 1;
    await sleep(100);
  }
}

const pidOf = (service: string) => {
  const pid = stack!.supervisor.pid(service);
  if (!pid) throw new Error(`no pid for ${service}`);
  return pid;
};

/** Spends, one key after another per worker, until `stop` says so; resolves when every started key is answered. */
async function spendUntil(spenders: Spender[], toolId: string, stop: { now: boolean }): Promise<void> {
  await Promise.all(
    spenders.map(async (spender, worker) => {
      for (let n = 0; !stop.now; n += 1) await spend(spender, toolId, `crash-${worker}-${n}`);
    }),
  );
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'stack-crash-spend-'));
  config = await throwawayDevConfig(dataDir);
  const oldInternal = [19, 20, 21, 22, 23].map((offset) => config.ports.api + offset);
  held = await holdSourcePorts(oldInternal);
  stack = await startStack(config, { reset: true, say: () => undefined });
  db = async () => {
    const client = new pg.Client({ connectionString: superuserUrl(config), connectionTimeoutMillis: 2000 });
    await client.connect();
    return client;
  };
}, 150_000);

afterAll(async () => {
  await stack?.stop();
  held?.child.kill();
  await new Promise((resolve) => (held ? held.server.close(resolve) : resolve(undefined)));
  rmSync(dataDir, { recursive: true, force: true });
  restoreEnv();
});

describe('a crash loses no acknowledged spend', () => {
  it('the stack starts although client connections hold the internal ports of the old layout', () => {
    const { rest, restAdmin, auth, functions, stripe } = config.ports;
    for (const port of [rest, restAdmin, auth, functions, stripe]) {
      expect(port < EPHEMERAL_PORTS.low || port > EPHEMERAL_PORTS.high, `internal port ${port}`).toBe(true);
    }
    // The connections still hold the old ports while the stack runs.
    expect(sourcePortsTo((held!.server.address() as net.AddressInfo).port)).toEqual([19, 20, 21, 22, 23].map((offset) => config.ports.api + offset));
    expect(held!.child.exitCode).toBeNull();
  });

  it('kill -9 of Postgres, the functions server and PostgREST during spends: every acknowledged spend is in the ledger, once', { timeout: 120_000 }, async () => {
    // npm run dev's cluster is durable, as supabase start's.
    const settings = await query<{ name: string; setting: string }>(
      `select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes') order by name`,
    );
    expect(settings).toEqual([
      { name: 'fsync', setting: 'on' },
      { name: 'full_page_writes', setting: 'on' },
      { name: 'synchronous_commit', setting: 'on' },
    ]);

    const [tool] = await query<{ id: string; price_points: number }>(`select id, price_points from public.tools where status = 'approved' order by price_points, id limit 1`);
    expect(tool, 'an approved tool in the seed').toBeDefined();
    const spenders: Spender[] = [];
    for (let i = 0; i < WORKERS; i += 1) {
      const email = `crash-${i}-${Date.now().toString(36)}@example.test`;
      const password = `Crash-${i}-password-7`;
      const created = await api('/auth/v1/admin/users', {
        method: 'POST',
        headers: { apikey: config.keys.secretKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password, email_confirm: true }),
      });
      const user = (await created.json()) as { id: string };
      expect(created.status, JSON.stringify(user)).toBe(200);
      await query(`select private.post_wallet_entry($1, $2, 'admin_adjustment', 'adjustment', null, null, 'Crash test funds', null)`, [user.id, START_BALANCE]);
      const signIn = await api('/auth/v1/token?grant_type=password', {
        method: 'POST',
        headers: { apikey: config.keys.publishableKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      const session = (await signIn.json()) as { access_token: string };
      expect(signIn.status).toBe(200);
      spenders.push({ userId: user.id, accessToken: session.access_token });
    }

    const stop = { now: false };
    const running = spendUntil(spenders, tool!.id, stop);
    const ackedAfter = async (count: number, what: string) => {
      const target = acknowledged.size + count;
      await eventually(() => acknowledged.size >= target, 30_000, `${count} more acknowledged spends ${what}`);
    };
    try {
      await ackedAfter(WORKERS * 5, 'before the first crash');
      for (const service of ['postgres', 'functions', 'postgrest']) {
        const before = pidOf(service);
        process.kill(before, 'SIGKILL');
        await eventually(() => stack!.supervisor.pid(service) !== before, 10_000, `a new ${service} process`);
        if (service === 'postgrest') {
          await eventually(
            async () => (await api('/rest/v1/tools?select=id&limit=1', { headers: { apikey: config.keys.publishableKey } })).status === 200,
            20_000,
            'REST to answer again',
          );
        }
        await ackedAfter(WORKERS * 5, `after killing ${service}`);
      }
    } finally {
      stop.now = true;
      await running;
    }

    expect(unexpected).toEqual([]);
    expect(retries, 'the crashes were felt: some requests had to be retried').toBeGreaterThan(0);
    const ids = spenders.map((s) => s.userId);
    const usages = await query<{ id: string; client_id: string; idempotency_key: string; points_charged: number; spends: number }>(
      `select u.id, u.client_id, u.idempotency_key, u.points_charged,
              (select count(*)::int from public.wallet_ledger l where l.reference_type = 'usage' and l.reference_id = u.id and l.kind = 'spend') as spends
         from public.usages u where u.client_id = any($1::uuid[])`,
      [ids],
    );
    const byKey = new Map(usages.map((u) => [`${u.client_id}/${u.idempotency_key}`, u]));
    // Every acknowledged spend is there, as the usage the answer named, with its one ledger entry.
    const lost = [...acknowledged].filter(([key, ack]) => byKey.get(`${ack.userId}/${key}`)?.id !== ack.usageId);
    expect(lost, `${lost.length} of ${acknowledged.size} acknowledged spends are missing`).toEqual([]);
    // No key charged twice: one usage per key (unique index) and one spend entry per usage.
    expect(usages.filter((u) => u.spends !== 1)).toEqual([]);
    expect(usages.length).toBe(acknowledged.size);
    // Every balance equals its ledger, and the spenders' equal their funds minus their usages.
    const drift = await query(
      `select w.user_id, w.balance, coalesce(sum(l.amount), 0)::bigint as ledger
         from public.wallets w left join public.wallet_ledger l on l.user_id = w.user_id
        group by w.user_id, w.balance having w.balance <> coalesce(sum(l.amount), 0)`,
    );
    expect(drift).toEqual([]);
    const balances = await query<{ user_id: string; balance: number }>(`select user_id, balance from public.wallets where user_id = any($1::uuid[])`, [ids]);
    for (const { user_id, balance } of balances) {
      const charged = usages.filter((u) => u.client_id === user_id).reduce((sum, u) => sum + u.points_charged, 0);
      expect(balance).toBe(START_BALANCE - charged);
    }
    console.log(`[crash-spend] ${acknowledged.size} acknowledged spends, ${attempts} requests, ${retries} retries; none lost, none doubled`);
  });
});
