/**
 * `npm run bench crm [-- --iterations N --per-page N --keep]`: what row-level security costs on the
 * CRM's client list at scale. Generates 1,000 accounts × 1,000 clients (1M rows) with one payment
 * per client, in SQL (generate_series), then fetches the first and a deep page of the filtered, sorted
 * client list through PostgREST (the gateway's /rest/v1) as
 *   - a member holding view_all_clients (RLS: the account's rows),
 *   - a member with only "my clients" (RLS: rows assigned to them),
 *   - service_role with the same explicit account_id filter (no RLS) — the baseline,
 * in interleaved rounds, each round on a random account. Reports p50/p99 and the ratio to the
 * baseline (target ≤ 1.5 at p50), then prints `explain analyze` of the slowest RLS query as
 * PostgREST runs it (role and claims set, page query and count).
 *
 * Page size: 50 by default, the seed's and the SDK's page size. The deep page is the one ending at
 * row 500 of the filtered list (page 10 of 50 rows), the deepest a single account of 1,000 clients
 * fills for both members.
 *
 * By default it starts its own stack (ports 58321/58322/58324, data in .stack/bench-crm, a fresh
 * database) and deletes it afterwards. With SUPABASE_URL and SUPABASE_DB_URL set it uses that stack
 * instead and deletes the generated accounts and users afterwards (unless --keep; `--reuse` measures
 * the data a `--keep` run left).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { projectRoot } from '../src/stack/config.ts';
import { signHs256 } from '../src/stack/keys.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ITERATIONS = arg('iterations', 200);
const WARMUP = Math.min(20, ITERATIONS);
const PER_PAGE = arg('per-page', 50);
const DEEP_PAGE = Math.max(1, Math.floor(500 / PER_PAGE));
const ACCOUNTS = arg('accounts', 1000);
const CLIENTS_PER_ACCOUNT = arg('clients', 1000);
const KEEP = process.argv.includes('--keep');
/** With an external stack: measure data left by an earlier `--keep` run instead of generating it again. */
const REUSE = process.argv.includes('--reuse');

const external = Boolean(process.env.SUPABASE_URL && process.env.SUPABASE_DB_URL);
process.env.STACK_API_PORT ??= '58321';
process.env.STACK_DB_PORT ??= '58322';
process.env.STACK_MAILBOX_PORT ??= '58324';
process.env.STACK_DATA_DIR ??= path.join(projectRoot, '.stack', 'bench-crm');

const { loadStackConfig } = await import('../src/stack/config.ts');
const { startStack } = await import('../src/stack/stack.ts');
const config = loadStackConfig('dev');
const stack = external ? undefined : await startStack(config, { reset: true, say: () => undefined });
const apiUrl = process.env.SUPABASE_URL ?? config.apiUrl;
const dbUrl = process.env.SUPABASE_DB_URL ?? config.dbUrl;
const publishableKey = process.env.SUPABASE_PUBLISHABLE_KEY ?? config.keys.publishableKey;
const secretKey = process.env.SUPABASE_SECRET_KEY ?? config.keys.secretKey;
const jwtSecret = process.env.SUPABASE_JWT_SECRET ?? config.keys.jwtSecret;

const db = new pg.Client({ connectionString: dbUrl });
await db.connect();
const log = (line: string) => console.log(`[bench crm] ${line}`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

// Deterministic ids: account a, member m (0 owner, 1 admin, 2 view_all_clients, 3 "my clients", 4 plain).
const accountId = (a: number) => `bc000000-0000-4000-8000-${String(a).padStart(12, '0')}`;
const memberId = (a: number, m: number) => `bd00000${m}-0000-4000-8000-${String(a).padStart(12, '0')}`;

async function generate(): Promise<void> {
  const started = performance.now();
  log(`generating ${ACCOUNTS} accounts × ${CLIENTS_PER_ACCOUNT} clients with one payment each`);
  await db.query(`set statement_timeout = 0`);
  await db.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data,
       created_at, updated_at, confirmation_token, recovery_token, email_change_token_new, email_change_token_current, email_change,
       phone_change, phone_change_token, reauthentication_token)
     select '00000000-0000-0000-0000-000000000000', ('bd00000' || m || '-0000-4000-8000-' || lpad(a::text, 12, '0'))::uuid,
            'authenticated', 'authenticated', 'm' || m || '-a' || a || '@bench.crm.test', '', now(),
            '{"provider":"email","providers":["email"]}', '{}', now(), now(), '', '', '', '', '', '', '', ''
     from generate_series(1, $1::int) a, generate_series(0, 4) m`,
    [ACCOUNTS],
  );
  await db.query(
    `insert into public.accounts (id, name, slug, status, reviewed_at)
     select ('bc000000-0000-4000-8000-' || lpad(a::text, 12, '0'))::uuid, 'Bench ' || a, 'bench-' || a, 'active', now()
     from generate_series(1, $1::int) a`,
    [ACCOUNTS],
  );
  await db.query(
    `insert into public.account_members (account_id, user_id, role, permissions, full_name, email)
     select ('bc000000-0000-4000-8000-' || lpad(a::text, 12, '0'))::uuid, ('bd00000' || m || '-0000-4000-8000-' || lpad(a::text, 12, '0'))::uuid,
            (array['owner','admin','member','member','member']::public.account_role[])[m + 1],
            case m when 2 then '{view_all_clients,view_payments}'::public.account_permission[] when 3 then '{view_payments}' else '{}' end,
            'Member ' || m, 'm' || m || '-a' || a || '@bench.crm.test'
     from generate_series(1, $1::int) a, generate_series(0, 4) m`,
    [ACCOUNTS],
  );
  log(`users, accounts, members: ${seconds(started)}`);

  // The assignee check is a per-row trigger for API writes; these rows are consistent by construction
  // (and the composite foreign keys still check every assignment).
  await db.query(`alter table public.crm_clients disable trigger crm_clients_check_assignees`);
  try {
    const chunk = 100;
    for (let from = 1; from <= ACCOUNTS; from += chunk) {
      const to = Math.min(ACCOUNTS, from + chunk - 1);
      await db.query(
        `insert into public.crm_clients (account_id, first_name, last_name, email, country, currency, status, coach_id, closer_id, setter_id, created_at)
         select ('bc000000-0000-4000-8000-' || lpad(a::text, 12, '0'))::uuid,
                (array['Ana','Ben','Chloe','Dev','Elif','Farid','Greta','Hugo','Ines','Jon','Kira','Leo','Maya','Nils','Omar','Pia'])[1 + (n * 7) % 16],
                (array['Silva','Chen','Martin','Patel','Yilmaz','Haddad','Berg','Laurent','Costa','Olsen','Novak','Rossi','Weber','Kim'])[1 + (n * 13) % 14] || ' ' || n,
                'c' || n || '-a' || a || '@clients.bench.test',
                (array['US','GB','DE','FR','ES','CA'])[1 + n % 6],
                (array['USD','GBP','EUR','EUR','EUR','USD'])[1 + n % 6],
                -- active 50 %, onboarding 15 %, paused 10 %, inactive 15 %, cancelled 10 %
                case when n % 20 < 10 then 'active' when n % 20 < 13 then 'onboarding' when n % 20 < 15 then 'paused'
                     when n % 20 < 18 then 'inactive' else 'cancelled' end::public.crm_client_status,
                -- member 3 ("my clients") coaches every second client and sets every fifth
                ('bd00000' || case when n % 2 = 0 then 3 else 2 end || '-0000-4000-8000-' || lpad(a::text, 12, '0'))::uuid,
                ('bd000001-0000-4000-8000-' || lpad(a::text, 12, '0'))::uuid,
                case when n % 5 = 0 then ('bd000003-0000-4000-8000-' || lpad(a::text, 12, '0'))::uuid end,
                now() - make_interval(mins => n)
         from generate_series($1::int, $2::int) a, generate_series(1, $3::int) n`,
        [from, to, CLIENTS_PER_ACCOUNT],
      );
      log(`clients of accounts ${from}–${to}: ${seconds(started)}`);
    }
  } finally {
    await db.query(`alter table public.crm_clients enable trigger crm_clients_check_assignees`);
  }
  await db.query(
    `insert into public.crm_payments (account_id, client_id, amount, currency, status, payment_date)
     select c.account_id, c.id, (50 + abs(hashtext(c.id::text)) % 2000)::numeric(12, 2), c.currency,
            (array['paid','paid','paid','paid','paid','paid','failed','refunded','paid','disputed']::public.crm_payment_status[])[1 + abs(hashtext(c.email)) % 10],
            current_date - abs(hashtext(c.email)) % 365
     from public.crm_clients c
     where c.account_id::text like 'bc000000-%'`,
  );
  log(`payments: ${seconds(started)}`);
  await db.query(`analyze public.accounts, public.account_members, public.crm_clients, public.crm_payments`);
  log(`generated in ${seconds(started)}`);
}

async function cleanUp(): Promise<void> {
  const started = performance.now();
  await db.query(`set statement_timeout = 0`);
  await db.query(`delete from public.accounts where slug like 'bench-%'`);
  await db.query(`delete from auth.users where email like '%@bench.crm.test'`);
  log(`dropped the generated data in ${seconds(started)}`);
}

/** The filtered, sorted list the benchmark fetches (seed 002's client list). */
function listQuery(account: number, page: number): string {
  const offset = (page - 1) * PER_PAGE;
  return `crm_clients?select=*&account_id=eq.${accountId(account)}&status=neq.cancelled` + `&order=last_name.asc,first_name.asc,id.asc&limit=${PER_PAGE}&offset=${offset}`;
}

type Actor = 'view_all_clients' | 'my_clients' | 'service_role';

function headersFor(actor: Actor, account: number): Record<string, string> {
  if (actor === 'service_role') return { apikey: secretKey, Prefer: 'count=exact' };
  const member = actor === 'view_all_clients' ? 2 : 3;
  const now = Math.floor(Date.now() / 1000);
  const token = signHs256({ sub: memberId(account, member), role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 3600 }, jwtSecret);
  return { apikey: publishableKey, Authorization: `Bearer ${token}`, Prefer: 'count=exact' };
}

async function fetchPage(actor: Actor, account: number, page: number): Promise<{ ms: number; rows: number; total: number }> {
  const headers = headersFor(actor, account);
  const started = performance.now();
  const response = await fetch(`${apiUrl}/rest/v1/${listQuery(account, page)}`, { headers });
  const rows = (await response.json()) as unknown[];
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`${actor} page ${page}: ${response.status} ${JSON.stringify(rows)}`);
  const total = Number(response.headers.get('content-range')?.split('/')[1] ?? NaN);
  return { ms, rows: rows.length, total };
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

async function measure(): Promise<{ actor: Actor; page: number; p50: number; p99: number; rows: number; total: number }[]> {
  const actors: Actor[] = ['view_all_clients', 'my_clients', 'service_role'];
  const samples = new Map<string, number[]>();
  const shapes = new Map<string, { rows: number; total: number }>();
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const account = 1 + Math.floor(Math.random() * ACCOUNTS);
    for (const page of [1, DEEP_PAGE]) {
      for (const actor of i % 2 ? actors : [...actors].reverse()) {
        const result = await fetchPage(actor, account, page);
        if (i < WARMUP) continue;
        const key = `${actor}:${page}`;
        (samples.get(key) ?? samples.set(key, []).get(key)!).push(result.ms);
        shapes.set(key, { rows: result.rows, total: result.total });
      }
    }
  }
  return [...samples.entries()].map(([key, ms]) => {
    const [actor, page] = key.split(':') as [Actor, string];
    return { actor, page: Number(page), p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), ...shapes.get(key)! };
  });
}

/** `explain analyze` of the list as PostgREST runs it for a member: role, claims, page query and count. */
async function explain(actor: Exclude<Actor, 'service_role'>, page: number): Promise<string> {
  const member = actor === 'view_all_clients' ? 2 : 3;
  const account = 1 + Math.floor(ACCOUNTS / 2);
  const claims = JSON.stringify({ sub: memberId(account, member), role: 'authenticated', aud: 'authenticated' });
  const where = `account_id = '${accountId(account)}' and status <> 'cancelled'`;
  const out: string[] = [];
  await db.query('begin');
  try {
    await db.query(`select set_config('request.jwt.claims', $1, true)`, [claims]);
    await db.query('set local role authenticated');
    for (const sql of [
      `select * from public.crm_clients where ${where} order by last_name, first_name, id limit ${PER_PAGE} offset ${(page - 1) * PER_PAGE}`,
      `select count(*) from public.crm_clients where ${where}`,
    ]) {
      const { rows } = await db.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers, costs off) ${sql}`);
      out.push(`-- ${sql}`, ...rows.map((r) => r['QUERY PLAN']), '');
    }
  } finally {
    await db.query('rollback');
  }
  return out.join('\n');
}

try {
  const existing = Number((await db.query<{ n: string }>(`select count(*) as n from public.accounts where slug like 'bench-%'`)).rows[0]!.n);
  if (external && REUSE && existing === ACCOUNTS) {
    log(`reusing the ${ACCOUNTS} generated accounts`);
  } else {
    if (existing > 0) await cleanUp();
    await generate();
  }
  const [{ n }] = (await db.query<{ n: string }>(`select count(*) as n from public.crm_clients where account_id::text like 'bc000000-%'`)).rows as [{ n: string }];
  log(`${Number(n).toLocaleString('en')} clients; measuring ${ITERATIONS} rounds (after ${WARMUP} warm-up rounds), ${PER_PAGE} rows per page`);
  const results = await measure();
  const baseline = (page: number) => results.find((r) => r.actor === 'service_role' && r.page === page)!;
  console.log('');
  console.log(`client list through PostgREST: status <> cancelled, order by last_name, first_name, id; ${PER_PAGE} per page; count=exact`);
  console.log('  who                      page   rows  total    p50 ms   p99 ms   p50 / service_role');
  let worst = { actor: 'view_all_clients' as Exclude<Actor, 'service_role'>, page: 1, ratio: 0 };
  for (const r of results.sort((a, b) => a.page - b.page || a.actor.localeCompare(b.actor))) {
    const ratio = r.p50 / baseline(r.page).p50;
    if (r.actor !== 'service_role' && ratio > worst.ratio) worst = { actor: r.actor, page: r.page, ratio };
    console.log(
      `  ${r.actor.padEnd(24)} ${String(r.page).padStart(4)} ${String(r.rows).padStart(6)} ${String(r.total).padStart(6)} ${r.p50.toFixed(2).padStart(9)} ${r.p99.toFixed(2).padStart(8)}   ${r.actor === 'service_role' ? '(baseline)' : `${ratio.toFixed(2)}x`}`,
    );
  }
  console.log(`  target: ≤ 1.5x at p50 — worst ${worst.actor} page ${worst.page}: ${worst.ratio.toFixed(2)}x ${worst.ratio <= 1.5 ? '(met)' : '(NOT met)'}`);
  console.log('');
  console.log(`explain analyze of the worst (${worst.actor}, page ${worst.page}), as the member through RLS:`);
  console.log(await explain(worst.actor, worst.page));
} finally {
  if (external && !KEEP) await cleanUp().catch((error: unknown) => log(`clean-up failed: ${error instanceof Error ? error.message : String(error)}`));
  await db.end();
  if (stack) {
    await stack.stop();
    rmSync(config.dataDir, { recursive: true, force: true });
    log(`stopped the bench stack and removed ${path.relative(projectRoot, config.dataDir)}`);
  }
}
