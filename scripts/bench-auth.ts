/**
 * `npx tsx scripts/bench-auth.ts`: password sign-ins per second with p50/p99 latency at bcrypt cost 10
 * and 8 concurrent clients, refreshes per second, and — measured in the same run, on the same machine —
 * the baseline of raw bcrypt compares at cost 10 on the same worker-thread pool the auth server uses.
 * The difference is the cost of everything around bcrypt (HTTP, SQL, JWT, gateway).
 *
 * Targets a running stack: `SUPABASE_URL` and `SUPABASE_SERVICE_ROLE_KEY` (or the `dev` stack's
 * defaults; `STACK_PROFILE=test` for the test stack). Sign-ins go through the gateway and, when the auth
 * server's internal port answers, also straight to it. Users are created through the admin API with a
 * cost-10 `password_hash` (so the cost is 10 even on the test stack) and deleted afterwards.
 * It also reads /proc (Linux) for the CPU time the auth server's main thread and Postgres spend per
 * sign-in against the bcrypt worker threads: the same ratio, immune to other load on a shared machine.
 * Options: `--signins N` (default 240), `--refreshes N` (default 800), `--concurrency N` (default 8).
 */
import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import bcrypt from 'bcryptjs';
import { z } from 'zod';
import { BcryptPool } from '../src/auth/passwords/bcrypt-pool.ts';
import { loadStackConfig } from '../src/stack/config.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SIGNINS = option('signins', 240);
const REFRESHES = option('refreshes', 800);
const CONCURRENCY = option('concurrency', 8);
const COST = 10;
const PASSWORD = 'bench-password-1';

const config = loadStackConfig(process.env.STACK_PROFILE === 'test' ? 'test' : 'dev');
const apiUrl = process.env.SUPABASE_URL ?? config.apiUrl;
const serviceKey = process.env.SUPABASE_SERVICE_ROLE_KEY ?? config.keys.serviceRoleKey;
const anonKey = process.env.SUPABASE_ANON_KEY ?? config.keys.anonKey;
const gatewayAuth = `${apiUrl}/auth/v1`;
const directAuth = `http://127.0.0.1:${config.ports.auth}`;

/** CPU time (ms) of one process, of its main thread, and of all processes of a Postgres cluster (Linux /proc). */
const CLOCK_TICK_MS = 10;
function ticks(statPath: string): number {
  const fields = readFileSync(statPath, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
}

/** The pid listening on a local TCP port, found through /proc/net/tcp and the processes' sockets. */
function pidListeningOn(port: number): number | undefined {
  try {
    const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
    const inodes = new Set<string>();
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
      for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A') inodes.add(cols[9]!);
      }
    }
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
          const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
          if (inode && inodes.has(inode)) return Number(pid);
        } catch {
          /* fd closed meanwhile */
        }
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Children of a process (Postgres backends of the postmaster). */
function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}

interface CpuSnapshot {
  authMain: number;
  authAll: number;
  postgres: number;
}

function cpuSnapshot(authPid: number, postmaster: number): CpuSnapshot {
  let postgres = ticks(`/proc/${postmaster}/stat`);
  for (const pid of childrenOf(postmaster)) {
    try {
      postgres += ticks(`/proc/${pid}/stat`);
    } catch {
      /* backend exited */
    }
  }
  return { authMain: ticks(`/proc/${authPid}/task/${authPid}/stat`), authAll: ticks(`/proc/${authPid}/stat`), postgres };
}

interface Result {
  label: string;
  ops: number;
  seconds: number;
  latencies: number[];
}

/** Several runs of one measurement as one. */
function merge(label: string, parts: Result[]): Result {
  return {
    label,
    ops: parts.reduce((n, p) => n + p.ops, 0),
    seconds: parts.reduce((n, p) => n + p.seconds, 0),
    latencies: parts.flatMap((p) => p.latencies),
  };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Runs `total` operations with `concurrency` workers; each op's latency is recorded. */
async function run(label: string, total: number, concurrency: number, op: (worker: number, i: number) => Promise<void>): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const t = performance.now();
        await op(worker, i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { label, ops: total, seconds: (performance.now() - started) / 1000, latencies };
}

const randomIp = () => `198.18.${randomInt(256)}.${randomInt(1, 255)}`;

async function call(base: string, path: string, body: unknown, key = anonKey): Promise<unknown> {
  const ip = randomIp();
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      // A fresh client address per request keeps the per-IP rate limits out of the measurement. The
      // gateway believes only the connection, except Sb-Forwarded-For from a holder of the secret key
      // (so that is the apikey; Authorization says who calls); the auth server behind it reads X-Forwarded-For.
      apikey: serviceKey,
      Authorization: `Bearer ${key}`,
      'Content-Type': 'application/json',
      'X-Supabase-Api-Version': '2024-01-01',
      'Sb-Forwarded-For': ip,
      'X-Forwarded-For': ip,
    },
    body: JSON.stringify(body),
  });
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/** The part of an auth session the benchmark reads. */
const session = z.object({ refresh_token: z.string() });

async function reachable(url: string): Promise<boolean> {
  try {
    const headers = { apikey: anonKey, Authorization: `Bearer ${anonKey}` };
    return (await fetch(`${url}/health`, { headers, signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

function row(r: Result, baselineRate?: number): string[] {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const rate = r.ops / r.seconds;
  const overhead = baselineRate ? `${((baselineRate / rate - 1) * 100).toFixed(1)}%` : '';
  return [r.label, String(r.ops), rate.toFixed(1), percentile(sorted, 50).toFixed(1), percentile(sorted, 99).toFixed(1), overhead];
}

function table(rows: string[][]): string {
  const header = ['measurement', 'ops', 'ops/s', 'p50 ms', 'p99 ms', 'overhead vs bcrypt'];
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  if (!(await reachable(gatewayAuth))) throw new Error(`no auth server answers at ${gatewayAuth}/health: start the stack first`);
  const direct = await reachable(directAuth);
  console.log(
    `bench-auth: ${gatewayAuth} (direct: ${direct ? directAuth : 'not reachable'}), bcrypt cost ${COST}, ` + `${CONCURRENCY} concurrent clients, ${availableParallelism()} cores`,
  );

  const hash = bcrypt.hashSync(PASSWORD, COST);
  const stamp = Date.now().toString(36);
  const emails = Array.from({ length: CONCURRENCY * 2 }, (_, i) => `bench-${stamp}-${i}@example.test`);
  const ids: string[] = [];
  for (const email of emails) {
    const user = z.object({ id: z.string() }).parse(await call(gatewayAuth, '/admin/users', { email, password_hash: hash, email_confirm: true }, serviceKey));
    ids.push(user.id);
  }

  try {
    const signIn = (base: string) => async (worker: number, i: number) => {
      await call(base, '/token?grant_type=password', { email: emails[(worker + i) % emails.length], password: PASSWORD });
    };
    // Warm-up: JIT, pools, prepared statements.
    await run('warm-up', CONCURRENCY * 2, CONCURRENCY, signIn(gatewayAuth));

    const pool = new BcryptPool();
    const compare = async () => {
      if (!(await pool.compare(PASSWORD, hash))) throw new Error('bcrypt baseline compare failed');
    };
    await run('warm-up', CONCURRENCY, CONCURRENCY, compare);
    // Baseline and sign-ins alternate in rounds, so drifting load on a shared machine hits both alike.
    const rounds = 2;
    const perRound = Math.ceil(SIGNINS / rounds);
    const baselineParts: Result[] = [];
    const directParts: Result[] = [];
    const gatewayParts: Result[] = [];
    for (let r = 0; r < rounds; r++) {
      baselineParts.push(await run('', perRound, CONCURRENCY, compare));
      if (direct) directParts.push(await run('', perRound, CONCURRENCY, signIn(directAuth)));
      gatewayParts.push(await run('', perRound, CONCURRENCY, signIn(gatewayAuth)));
    }
    await pool.close();
    const baseline = merge(`bcrypt compare, cost ${COST} (${availableParallelism()} worker threads)`, baselineParts);
    const baselineRate = baseline.ops / baseline.seconds;

    const results: string[][] = [row(baseline)];
    if (direct) results.push(row(merge('password sign-in, auth server direct', directParts), baselineRate));
    results.push(row(merge('password sign-in, through the gateway', gatewayParts), baselineRate));

    const sessions = await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => call(gatewayAuth, '/token?grant_type=password', { email: emails[w], password: PASSWORD })));
    const tokens = sessions.map((s) => session.parse(s).refresh_token);
    const refresh = (base: string) => async (worker: number) => {
      tokens[worker] = session.parse(await call(base, '/token?grant_type=refresh_token', { refresh_token: tokens[worker] })).refresh_token;
    };
    if (direct) results.push(row(await run('token refresh, auth server direct', REFRESHES, CONCURRENCY, refresh(directAuth))));
    results.push(row(await run('token refresh, through the gateway', REFRESHES, CONCURRENCY, refresh(gatewayAuth))));

    console.log(`\n${table(results)}\n`);
    // CPU accounting of the direct sign-ins: what the auth server's main thread and Postgres spend per
    // sign-in, against what its bcrypt worker threads spend — independent of other load on the machine.
    const authPid = direct ? pidListeningOn(config.ports.auth) : undefined;
    const postmaster = pidListeningOn(Number(new URL(config.dbUrl).port));
    if (authPid && postmaster) {
      const before = cpuSnapshot(authPid, postmaster);
      const measured = await run('', SIGNINS, CONCURRENCY, signIn(directAuth));
      const after = cpuSnapshot(authPid, postmaster);
      const per = (ms: number) => ms / measured.ops;
      const main = per(after.authMain - before.authMain);
      const workers = per(after.authAll - after.authMain - (before.authAll - before.authMain));
      const postgres = per(after.postgres - before.postgres);
      console.log(
        `CPU per sign-in (direct, ${measured.ops} sign-ins): bcrypt worker threads ${workers.toFixed(1)} ms, ` +
          `auth main thread ${main.toFixed(2)} ms, Postgres ${postgres.toFixed(2)} ms ` +
          `→ around bcrypt = ${(((main + postgres) / workers) * 100).toFixed(1)}% of bcrypt`,
      );
    }
    console.log('overhead vs bcrypt = (bcrypt-only rate / sign-in rate) − 1: the share of a sign-in spent outside bcrypt.');
  } finally {
    for (const id of ids) {
      await fetch(`${gatewayAuth}/admin/users/${id}`, {
        method: 'DELETE',
        headers: { apikey: serviceKey, Authorization: `Bearer ${serviceKey}` },
      }).catch(() => undefined);
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench-auth: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
