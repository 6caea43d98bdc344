/**
 * `npm run bench wallet`: how fast "use a tool" is, and that it stays correct under load.
 *
 * Measured in one run, alternating in rounds so drifting load on a shared machine hits all alike:
 * - the baseline: raw pgbench conditional single-row updates (`update … set balance = balance - 1 where
 *   id = :id and balance >= 1`), over 1M rows and on one hot row;
 * - private.use_tool() (the SQL function behind the use-tool Edge Function: usage row, conditional debit,
 *   ledger entry, one transaction) through pgbench with the same clients, (a) across 10,000 wallets and
 *   (b) all on one wallet;
 * - the full path: HTTP → gateway → use-tool Edge Function → Postgres, same concurrency, (a) and (b),
 *   driven by wrk (bench/lua/calls.lua: a random caller and a fresh Idempotency-Key per call), against
 *   two HTTP baselines of the same run: `rpc/get_wallet` through the gateway (the lightest signed-in
 *   call) and a PostgREST RPC of the same SQL function (`public.bench_use_tool`, a wrapper of
 *   private.use_tool created for the run and dropped after it) through the gateway.
 * Each is reported as transactions/s, p50/p99 latency and the ratio to the raw figure of the same shape;
 * HTTP rows also give wrk's CPU share (the load generator must not be the limit).
 * Creators' shares are credited to their wallets later, in batches (private.settle_earnings, pg_cron every
 * minute): the cron job is paused during the run, each batch is settled and timed after each measurement,
 * and "(a) + settlement" reports the use rate with that deferred work counted in.
 * Then the correctness check, at the SQL level and through the gateway: 500 concurrent spends of 1 point
 * against a wallet holding 100 → exactly 100 succeed, the balance ends at 0, the ledger sum matches,
 * no deadlock or other error.
 *
 * Targets the stack in SUPABASE_DB_URL / SUPABASE_URL (+ SUPABASE_JWT_SECRET), else starts an isolated
 * one (`npm test`'s ports and keys; STACK_* variables move it) and stops it afterwards. That one runs
 * Postgres with its durable defaults (STACK_DURABLE=1; `STACK_DURABLE=0` for the test stack's fsync=off):
 * the raw baseline is a production-like commit, as in the published figures, not a write that never reaches
 * the disk. It leaves 10,000
 * bench users with wallets behind (ledgers are append-only); the raw tables are dropped.
 * Options: `--seconds N` per measurement and round (default 8), `--clients N` (default 16), `--rounds N` (3).
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import pg from 'pg';
import { recordResults, type ResultRow } from '../bench/results.ts';
import { wrk, type WrkResult } from '../bench/wrk.ts';
import { loadStackConfig } from '../src/stack/config.ts';
import { PG_BIN } from '../src/stack/setup.ts';
import { startStack, type StackHandle } from '../src/stack/stack.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = option('seconds', 8);
const CLIENTS = option('clients', 16);
const ROUNDS = option('rounds', 3);
const WALLETS = 10_000;
const RAW_ROWS = 1_000_000;

interface Target {
  dbUrl: string;
  apiUrl: string;
  jwtSecret: string;
  publishableKey: string;
}

interface Measurement {
  label: string;
  transactions: number;
  failed: number;
  seconds: number;
  latenciesMs: number[];
  /** HTTP rows: wrk's own percentiles and CPU share. */
  wrk?: WrkResult[];
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function merge(label: string, parts: Measurement[]): Measurement {
  return {
    label,
    transactions: parts.reduce((n, p) => n + p.transactions, 0),
    failed: parts.reduce((n, p) => n + p.failed, 0),
    seconds: parts.reduce((n, p) => n + p.seconds, 0),
    latenciesMs: parts.flatMap((p) => p.latenciesMs),
    wrk: parts.flatMap((p) => p.wrk ?? []),
  };
}

const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p50Of = (m: Measurement) =>
  m.wrk?.length
    ? medianOf(m.wrk.map((w) => w.p50))
    : percentile(
        [...m.latenciesMs].sort((a, b) => a - b),
        50,
      );
const p99Of = (m: Measurement) =>
  m.wrk?.length
    ? medianOf(m.wrk.map((w) => w.p99))
    : percentile(
        [...m.latenciesMs].sort((a, b) => a - b),
        99,
      );
const wrkCpuOf = (m: Measurement) => (m.wrk?.length ? m.wrk.reduce((n, w) => n + w.wrkCpu * w.seconds, 0) / m.wrk.reduce((n, w) => n + w.seconds, 0) : undefined);

const rate = (m: Measurement): number => m.transactions / m.seconds;

/** Runs a pgbench script for SECONDS with CLIENTS connections; latencies from its per-transaction log. */
async function pgbench(target: Target, label: string, script: string): Promise<Measurement> {
  const url = new URL(target.dbUrl);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-wallet-'));
  const file = path.join(dir, 'script.sql');
  writeFileSync(file, script);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      path.join(PG_BIN, 'pgbench'),
      [
        '-n',
        '-M',
        'prepared',
        '-c',
        String(CLIENTS),
        '-j',
        String(Math.min(CLIENTS, availableParallelism())),
        '-T',
        String(SECONDS),
        '-l',
        '--sampling-rate=0.2',
        `--log-prefix=${path.join(dir, 'log')}`,
        '-f',
        file,
        '-h',
        url.hostname,
        '-p',
        url.port || '5432',
        '-U',
        decodeURIComponent(url.username),
        url.pathname.slice(1),
      ],
      { env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) }, cwd: dir },
    );
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`pgbench (${label}) exited ${code}:\n${text}`))));
  });
  const latenciesMs: number[] = [];
  for (const log of readdirSync(dir).filter((f) => f.startsWith('log'))) {
    for (const line of readFileSync(path.join(dir, log), 'utf8').split('\n')) {
      const fields = line.split(' ');
      if (fields.length >= 6) latenciesMs.push(Number(fields[2]) / 1000);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(output)?.[1] ?? 0);
  const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(output)?.[1] ?? 0);
  return { label, transactions, failed, seconds: tps > 0 ? transactions / tps : SECONDS, latenciesMs };
}

/**
 * CLIENTS wrk connections for SECONDS, each request by a caller drawn from `tokensFile` with a fresh
 * idempotency key. Only 2xx answers count as transactions (wrk counts the rest as non-2xx).
 */
async function http(target: Target, label: string, call: { path: string; body: string; keyHeader: boolean }, tokensFile: string, seconds = SECONDS): Promise<Measurement> {
  const result = await wrk({
    url: `${target.apiUrl}${call.path}`,
    method: 'POST',
    connections: CLIENTS,
    seconds,
    headers: { apikey: target.publishableKey, 'content-type': 'application/json' },
    script: 'calls.lua',
    env: { BENCH_TOKENS: tokensFile, BENCH_BODY: call.body, BENCH_KEY_HEADER: call.keyHeader ? '1' : '0' },
  });
  const failed = result.non2xx + result.errors;
  return { label, transactions: result.requests - failed, failed, seconds: result.seconds, latenciesMs: [], wrk: [result] };
}

function report(rows: { m: Measurement; baseline?: Measurement }[]): string {
  const header = ['measurement', 'tx', 'failed', 'tx/s', 'p50 ms', 'p99 ms', 'wrk CPU', 'vs baseline'];
  const lines = rows.map(({ m, baseline }) => {
    const p50 = p50Of(m);
    const p99 = p99Of(m);
    const cpu = wrkCpuOf(m);
    return [
      m.label,
      String(m.transactions),
      String(m.failed),
      rate(m).toFixed(0),
      Number.isNaN(p50) ? '' : p50.toFixed(2),
      Number.isNaN(p99) ? '' : p99.toFixed(2),
      cpu === undefined ? '' : `${(cpu * 100).toFixed(0)}%`,
      baseline ? `${((rate(m) / rate(baseline)) * 100).toFixed(1)}%` : '',
    ];
  });
  const all = [header, ...lines];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(line)].join('\n');
}

/** Bench users, their wallets and an approved 1-point tool; ids derived from a per-run prefix. */
async function setUp(db: pg.Client, prefix: string): Promise<{ toolId: string; hotClient: string; creator: string }> {
  const id = (n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
  await db.query('create schema if not exists bench_wallet');
  await db.query('drop table if exists bench_wallet.raw_wallets');
  await db.query('create table bench_wallet.raw_wallets (id integer primary key, balance integer not null check (balance >= 0)) with (fillfactor = 70)');
  await db.query(`insert into bench_wallet.raw_wallets select g, 1000000000 from generate_series(1, ${RAW_ROWS}) as g`);
  await db.query(
    `
    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
      confirmation_token, recovery_token, email_change_token_new, email_change_token_current, email_change, phone_change, phone_change_token, reauthentication_token)
    select '00000000-0000-0000-0000-000000000000', ($1 || '-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'authenticated', 'authenticated',
      'bench-wallet-' || $1 || '-' || g || '@example.test', '', jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email'), 'role', case when g = 0 then 'tool_creator' else 'client' end),
      '{}', now(), now(), '', '', '', '', '', '', '', ''
    from generate_series(0, ${WALLETS + 2}) as g`,
    [prefix],
  );
  // One live session per user: functions check that the token's session still exists.
  await db.query(
    `
    insert into auth.sessions (id, user_id, created_at, updated_at, aal)
    select ($1 || '-0000-4000-9000-' || lpad(g::text, 12, '0'))::uuid, ($1 || '-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, now(), now(), 'aal1'
    from generate_series(0, ${WALLETS + 2}) as g`,
    [prefix],
  );
  await db.query(
    `
    select count(private.post_wallet_entry(($1 || '-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 1000000000, 'admin_adjustment', 'adjustment', null, null, 'Benchmark funds', null))
    from generate_series(1, ${WALLETS}) as g`,
    [prefix],
  );
  const toolId = randomUUID();
  await db.query(
    `insert into public.tools (id, creator_id, name, category, price_points, creator_share_percent, status) values ($1, $2, 'Benchmark tool', 'bench', 1, 70, 'approved')`,
    [toolId, id(0)],
  );
  await db.query('analyze bench_wallet.raw_wallets');
  await db.query('analyze public.wallets');
  return { toolId, hotClient: id(1), creator: id(0) };
}

/** Credits the creator's pending shares in one batch, timed: one "transaction" per usage settled. */
async function settle(db: pg.Client, creator: string): Promise<Measurement> {
  const started = performance.now();
  const { rows } = await db.query<{ settled: number }>('select private.settle_earnings($1) as settled', [creator]);
  const ms = performance.now() - started;
  return { label: 'settle', transactions: rows[0]!.settled, failed: 0, seconds: ms / 1000, latenciesMs: [] };
}

/** Pauses the pg_cron settlement job where there is one; the returned function resumes it. */
async function pauseSettlementJob(db: pg.Client): Promise<() => Promise<void>> {
  const { rows } = await db.query<{ present: boolean }>("select to_regclass('cron.job') is not null as present");
  if (!rows[0]!.present) return () => Promise.resolve();
  const { rows: jobs } = await db.query<{ jobname: string; schedule: string; command: string }>(
    "select jobname, schedule, command from cron.job where jobname = 'settle-creator-earnings' and active",
  );
  for (const job of jobs) await db.query('select cron.unschedule($1)', [job.jobname]);
  return async () => {
    for (const job of jobs) await db.query('select cron.schedule($1, $2, $3)', [job.jobname, job.schedule, job.command]);
  };
}

/** 500 concurrent spends of 1 point against a wallet holding 100, at the SQL level. */
async function correctnessSql(target: Target, db: pg.Client, clientId: string, toolId: string): Promise<string> {
  await db.query(`select private.post_wallet_entry($1, 100, 'admin_adjustment', 'adjustment', null, null, 'Correctness check', null)`, [clientId]);
  const pool = new pg.Pool({ connectionString: target.dbUrl, max: 100 });
  const outcomes = await Promise.all(
    Array.from({ length: 500 }, () =>
      pool.query('select private.use_tool($1, $2, $3, 1)', [clientId, toolId, randomUUID()]).then(
        () => 'ok',
        (error: unknown) => {
          if (!(error instanceof pg.DatabaseError)) return `error ${String(error)}`;
          return error.code === 'PGRST' ? (JSON.parse(error.message) as { code: string }).code : `sqlstate ${error.code ?? 'none'}`;
        },
      ),
    ),
  );
  await pool.end();
  return verdict('SQL level (100 connections)', outcomes, await walletCheck(db, clientId));
}

/** The same through the gateway and the Edge Function. */
async function correctnessHttp(target: Target, db: pg.Client, clientId: string, toolId: string, token: string): Promise<string> {
  await db.query(`select private.post_wallet_entry($1, 100, 'admin_adjustment', 'adjustment', null, null, 'Correctness check', null)`, [clientId]);
  const outcomes = await Promise.all(
    Array.from({ length: 500 }, async () => {
      const response = await fetch(`${target.apiUrl}/functions/v1/use-tool`, {
        method: 'POST',
        headers: { apikey: target.publishableKey, authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ tool_id: toolId, expected_price_points: 1 }),
      });
      const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
      return response.status === 201 ? 'ok' : `${response.status} ${body.error?.code ?? ''}`.trim();
    }),
  );
  return verdict('through gateway + Edge Function', outcomes, await walletCheck(db, clientId));
}

async function walletCheck(db: pg.Client, clientId: string): Promise<{ balance: number; ledgerSum: number }> {
  const { rows } = await db.query<{ balance: number; ledger_sum: string }>(
    'select w.balance, (select sum(amount) from public.wallet_ledger l where l.user_id = w.user_id) as ledger_sum from public.wallets w where w.user_id = $1',
    [clientId],
  );
  return { balance: rows[0]!.balance, ledgerSum: Number(rows[0]!.ledger_sum) };
}

const correctnessFailures: string[] = [];

function verdict(label: string, outcomes: string[], wallet: { balance: number; ledgerSum: number }): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
  const ok = counts.get('ok') ?? 0;
  const refused = [...counts.entries()]
    .filter(([o]) => o !== 'ok')
    .map(([o, n]) => `${n} × ${o}`)
    .join(', ');
  const unexpected = [...counts.keys()].filter((o) => o !== 'ok' && !o.includes('insufficient_points'));
  const pass = ok === 100 && wallet.balance === 0 && wallet.ledgerSum === wallet.balance && unexpected.length === 0;
  if (!pass) correctnessFailures.push(label);
  return `${pass ? 'PASS' : 'FAIL'}  ${label}: ${ok} succeeded, ${refused || 'none refused'}; balance ${wallet.balance}, ledger sum ${wallet.ledgerSum}`;
}

async function main(): Promise<void> {
  let stack: StackHandle | undefined;
  let target: Target;
  if (process.env.SUPABASE_DB_URL) {
    const config = loadStackConfig('dev');
    target = {
      dbUrl: process.env.SUPABASE_DB_URL,
      apiUrl: process.env.SUPABASE_URL ?? config.apiUrl,
      jwtSecret: process.env.SUPABASE_JWT_SECRET ?? config.keys.jwtSecret,
      publishableKey: process.env.SUPABASE_PUBLISHABLE_KEY ?? config.keys.publishableKey,
    };
  } else {
    process.env.STACK_DURABLE ??= '1';
    const config = loadStackConfig('test');
    if (!process.env.STACK_DATA_DIR) config.dataDir = path.join(path.dirname(config.dataDir), 'bench-wallet');
    console.log(`[bench-wallet] starting an isolated stack at ${config.apiUrl} (${process.env.STACK_DURABLE === '1' ? 'durable: fsync on' : 'fsync off'})`);
    stack = await startStack(config, { reset: true, say: () => undefined });
    target = { dbUrl: config.dbUrl, apiUrl: config.apiUrl, jwtSecret: config.keys.jwtSecret, publishableKey: config.keys.publishableKey };
  }
  const db = new pg.Client({ connectionString: target.dbUrl });
  await db.connect();
  try {
    const prefix = randomBytes(4).toString('hex');
    console.log(
      `bench-wallet: ${CLIENTS} clients, ${SECONDS} s × ${ROUNDS} rounds per measurement, ${availableParallelism()} cores; setting up ${RAW_ROWS} raw rows and ${WALLETS} wallets…`,
    );
    const { toolId, hotClient, creator } = await setUp(db, prefix);
    const walletId = `('${prefix}-0000-4000-8000-' || lpad(:n::text, 12, '0'))::uuid`;
    const scripts = {
      raw: `\\set id random(1, ${RAW_ROWS})\nupdate bench_wallet.raw_wallets set balance = balance - 1 where id = :id and balance >= 1;\n`,
      rawHot: 'update bench_wallet.raw_wallets set balance = balance - 1 where id = 1 and balance >= 1;\n',
      use: `\\set n random(1, ${WALLETS})\nselect private.use_tool(${walletId}, '${toolId}', gen_random_uuid()::text, 1);\n`,
      useHot: `select private.use_tool('${hotClient}', '${toolId}', gen_random_uuid()::text, 1);\n`,
    };
    const secret = new TextEncoder().encode(target.jwtSecret);
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const mint = (sub: string) =>
      new SignJWT({ sub, role: 'authenticated', aud: 'authenticated', session_id: sub.replace('-4000-8000-', '-4000-9000-'), is_anonymous: false })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(secret);
    const tokens = await Promise.all(Array.from({ length: WALLETS }, (_, n) => mint(`${prefix}-0000-4000-8000-${String(n + 1).padStart(12, '0')}`)));
    const hotToken = tokens[0]!;
    const tokenDir = mkdtempSync(path.join(tmpdir(), 'bench-wallet-tokens-'));
    const allTokens = path.join(tokenDir, 'all');
    const hotTokens = path.join(tokenDir, 'hot');
    writeFileSync(allTokens, `${tokens.join('\n')}\n`);
    writeFileSync(hotTokens, `${hotToken}\n`);

    // The same SQL function as an RPC of PostgREST, for the run only (dropped below).
    await db.query(`
      create function public.bench_use_tool(tool_id uuid, idempotency_key text, expected_price_points integer)
      returns jsonb language sql security definer set search_path = '' as $$
        select private.use_tool(auth.uid(), tool_id, idempotency_key, expected_price_points)
      $$`);
    await db.query('revoke execute on function public.bench_use_tool(uuid, text, integer) from public, anon');
    await db.query('grant execute on function public.bench_use_tool(uuid, text, integer) to authenticated');
    await db.query("notify pgrst, 'reload schema'");
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const calls = {
      useTool: { path: '/functions/v1/use-tool', body: JSON.stringify({ tool_id: toolId, expected_price_points: 1 }), keyHeader: true },
      getWallet: { path: '/rest/v1/rpc/get_wallet', body: '{}', keyHeader: false },
      rpcUseTool: {
        path: '/rest/v1/rpc/bench_use_tool',
        body: JSON.stringify({ tool_id: toolId, idempotency_key: '%s', expected_price_points: 1 }),
        keyHeader: false,
      },
    };

    // Warm-up: plans, pools, the function's first requests.
    await http(target, 'warm-up', calls.useTool, allTokens, 2).catch(() => undefined);
    await http(target, 'warm-up', calls.getWallet, allTokens, 1).catch(() => undefined);
    await http(target, 'warm-up', calls.rpcUseTool, allTokens, 1).catch(() => undefined);
    // Creators' shares reach their wallets in batches (private.settle_earnings, every minute by pg_cron).
    // The cron job is paused while the benchmark runs so that no window measures a settlement by
    // chance; every batch is settled and timed after each measurement instead, and reported below.
    const resumeSettlement = await pauseSettlementJob(db);
    const parts: Record<string, Measurement[]> = { raw: [], rawHot: [], use: [], useHot: [], http: [], httpHot: [], getWallet: [], rpcUseTool: [], settle: [] };
    try {
      await settle(db, creator);
      for (let round = 0; round < ROUNDS; round++) {
        parts.raw!.push(await pgbench(target, 'raw', scripts.raw));
        parts.use!.push(await pgbench(target, 'use', scripts.use));
        parts.settle!.push(await settle(db, creator));
        parts.rawHot!.push(await pgbench(target, 'rawHot', scripts.rawHot));
        parts.useHot!.push(await pgbench(target, 'useHot', scripts.useHot));
        parts.settle!.push(await settle(db, creator));
        parts.http!.push(await http(target, 'http', calls.useTool, allTokens));
        parts.getWallet!.push(await http(target, 'getWallet', calls.getWallet, allTokens));
        parts.rpcUseTool!.push(await http(target, 'rpcUseTool', calls.rpcUseTool, allTokens));
        parts.settle!.push(await settle(db, creator));
        parts.httpHot!.push(await http(target, 'httpHot', calls.useTool, hotTokens));
        parts.settle!.push(await settle(db, creator));
      }
    } finally {
      await resumeSettlement();
      await db.query('drop function if exists public.bench_use_tool(uuid, text, integer)').catch(() => undefined);
      await db.query("notify pgrst, 'reload schema'").catch(() => undefined);
      rmSync(tokenDir, { recursive: true, force: true });
    }
    const raw = merge(`raw pgbench conditional update, ${RAW_ROWS / 1e6}M rows`, parts.raw!);
    const rawHot = merge('raw pgbench conditional update, one hot row', parts.rawHot!);
    const use = merge(`(a) use_tool SQL, ${WALLETS} wallets`, parts.use!);
    const useHot = merge('(b) use_tool SQL, one wallet', parts.useHot!);
    const viaFunction = merge('(a) use-tool via gateway + Edge Function', parts.http!);
    const viaFunctionHot = merge('(b) use-tool via gateway + Edge Function', parts.httpHot!);
    const getWallet = merge('rpc/get_wallet via gateway (same callers)', parts.getWallet!);
    const rpcUseTool = merge('rpc of the same SQL function via gateway', parts.rpcUseTool!);
    const settlement = merge('settlement of the shares (batches, 1 connection)', parts.settle!);
    // Using and then settling N usages takes N / use rate + N / settlement rate seconds.
    const useAndSettle: Measurement = {
      label: '(a) use_tool SQL + settlement of its shares',
      transactions: use.transactions,
      failed: use.failed,
      seconds: use.seconds + use.transactions / rate(settlement),
      latenciesMs: [],
    };
    console.log('');
    console.log(
      report([
        { m: raw },
        { m: use, baseline: raw },
        { m: viaFunction, baseline: raw },
        { m: rawHot },
        { m: useHot, baseline: rawHot },
        { m: viaFunctionHot, baseline: rawHot },
        { m: settlement },
        { m: useAndSettle, baseline: raw },
        { m: getWallet },
        { m: rpcUseTool, baseline: getWallet },
        { m: viaFunction, baseline: getWallet },
      ]),
    );
    const vsGetWallet = rate(viaFunction) / rate(getWallet);
    const vsRpc = rate(viaFunction) / rate(rpcUseTool);
    const rpcVsGetWallet = rate(rpcUseTool) / rate(getWallet);
    console.log(
      `\nuse-tool via gateway: ${(vsGetWallet * 100).toFixed(0)} % of rpc/get_wallet via gateway (target ≥ 85 %), ${(vsRpc * 100).toFixed(0)} % of the RPC of the same SQL function (target ≥ 70 %)`,
    );
    // get_wallet only reads; use_tool writes three rows and waits for a durable commit. The RPC of the
    // same SQL function, with no Edge Function at all, shows what that costs against get_wallet.
    console.log(`the RPC of the same SQL function itself: ${(rpcVsGetWallet * 100).toFixed(0)} % of rpc/get_wallet (a write and its commit against a read)`);
    const row = (m: Measurement, ratio?: string): ResultRow => ({
      measurement: m.label,
      figure: `${rate(m).toFixed(0)} tx/s`,
      p50: p50Of(m),
      p99: p99Of(m),
      wrkCpu: wrkCpuOf(m),
      ratio,
      check: m.failed > 0 ? `${m.failed} failed` : undefined,
    });
    const rows: ResultRow[] = [
      row(raw),
      row(use, `${((rate(use) / rate(raw)) * 100).toFixed(1)} % of raw`),
      row(useHot, `${((rate(useHot) / rate(rawHot)) * 100).toFixed(1)} % of raw (hot row)`),
      row(getWallet),
      row(rpcUseTool, `${(rpcVsGetWallet * 100).toFixed(0)} % of get_wallet`),
      row(viaFunction, `${(vsGetWallet * 100).toFixed(0)} % of get_wallet, ${(vsRpc * 100).toFixed(0)} % of the RPC`),
      row(viaFunctionHot, `${((rate(viaFunctionHot) / rate(useHot)) * 100).toFixed(1)} % of the SQL (hot row)`),
    ];

    console.log('\ncorrectness: 500 concurrent spends of 1 point against a wallet holding 100');
    const sqlClient = `${prefix}-0000-4000-8000-${String(WALLETS + 1).padStart(12, '0')}`;
    const httpClient = `${prefix}-0000-4000-8000-${String(WALLETS + 2).padStart(12, '0')}`;
    const sqlVerdict = await correctnessSql(target, db, sqlClient, toolId);
    const httpVerdict = await correctnessHttp(target, db, httpClient, toolId, await mint(httpClient));
    console.log(sqlVerdict);
    console.log(httpVerdict);
    rows.push({
      measurement: '500 concurrent spends of 1 point against 100 (SQL, gateway)',
      figure: '',
      check: `${sqlVerdict.slice(0, 4)} / ${httpVerdict.slice(0, 4)}: exactly 100 succeed, balance 0 = ledger sum`,
    });
    recordResults('wallet', rows);
  } finally {
    await db.query('drop schema if exists bench_wallet cascade').catch(() => undefined);
    await db.end();
    if (stack) await stack.stop();
  }
  if (correctnessFailures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`[bench-wallet] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
