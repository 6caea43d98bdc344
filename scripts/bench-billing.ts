/**
 * `npm run bench billing`: subscription lifecycle events through the gateway, exactly once.
 *
 * The fake Stripe plays whole subscription lives with the real `stripe` client and its test controls —
 * subscribed and paid, renewed, a renewal that fails and is paid later (past_due → active), cancelled
 * at period end, ended (11 events each) — for users of the Starter plan (500 points a month). 1,000
 * deliveries: 800 distinct events + 200 duplicates, shuffled across all subscriptions, POSTed signed to
 * /functions/v1/stripe-webhook with 16 in flight. Reports events/s and p50/p99 against a baseline of
 * the same number of signed events of a type the webhook ignores (signature check and HTTP only, no
 * database), measured in the same run. Then checks exactly-once: every subscription ends `canceled`,
 * every user got exactly 3 allowance credits (first invoice, renewal, recovered renewal) and 1,500
 * points, with one ledger entry per credit.
 *
 * Then `wrk` (2 threads, 16 connections, 10 s each) replays signed bodies from a Lua script, so the
 * load generator is not Node: the ignored-event baseline, and the same subscription events again (all
 * duplicates by then: the dedupe path). Reports its requests/s, p50/p99 and wrk's own CPU share.
 *
 * Targets a running stack with the fake Stripe (`STACK_FAKE_STRIPE=1 npm run dev`, or STACK_PROFILE=test
 * for the test stack). Data it creates is left in place and marked (`bench-billing-…` e-mails).
 * Options: `--events N` (1000), `--concurrency N` (16).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import Stripe from 'stripe';
import { loadStackConfig } from '../src/stack/config.ts';
import { report as reportTimed, run, type Timed } from '../bench/timing.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const EVENTS = option('events', 1000);
const CONCURRENCY = option('concurrency', 16);
const EVENTS_PER_LIFE = 11;

const config = loadStackConfig(process.env.STACK_PROFILE === 'test' ? 'test' : 'dev');
const apiUrl = process.env.SUPABASE_URL ?? config.apiUrl;
const dbUrl = process.env.SUPABASE_DB_URL ?? config.dbUrl;
const fakeUrl = process.env.STRIPE_FAKE_URL ?? config.fakeStripe.url;
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET ?? config.fakeStripe.webhookSecret;
const fake = new URL(fakeUrl);
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY ?? config.fakeStripe.secretKey, { host: fake.hostname, port: Number(fake.port), protocol: 'http', maxNetworkRetries: 0 });
const tag = `bench-billing-${Date.now().toString(36)}`;

const pool = new pg.Pool({ connectionString: dbUrl, max: 4 });
const sql = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> => (await pool.query<T>(text, values)).rows;

const report = (label: string, timed: { results: Timed<unknown>[]; wallMs: number }) => reportTimed(label, timed, 56);

function check(ok: boolean, what: string): void {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) process.exitCode = 1;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function control(path: string): Promise<void> {
  const response = await fetch(`${fakeUrl}/_fake/billing/${path}`, { method: 'POST' });
  if (!response.ok) throw new Error(`fake Stripe ${path}: ${response.status} ${await response.text()}`);
}

/** One subscription's life at the fake Stripe; answers its events (not delivered). */
async function life(userId: string): Promise<Stripe.Event[]> {
  const customer = await stripe.customers.create({ email: `${tag}-${userId.slice(0, 8)}@example.test`, metadata: { user_id: userId } });
  const sub = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: 'price_user_starter_monthly' }],
    metadata: { user_id: userId },
    payment_behavior: 'default_incomplete',
  });
  await control(`subscriptions/${sub.id}/pay`);
  await control(`subscriptions/${sub.id}/advance`);
  await control(`subscriptions/${sub.id}/fail_next`);
  await control(`subscriptions/${sub.id}/advance`);
  await control(`subscriptions/${sub.id}/pay`);
  await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
  await control(`subscriptions/${sub.id}/advance`);
  const response = await fetch(`${fakeUrl}/_fake/billing/events?subscription=${sub.id}`);
  return ((await response.json()) as { data: Stripe.Event[] }).data;
}

async function main(): Promise<void> {
  const distinct = Math.round(EVENTS * 0.8);
  const lives = Math.floor(distinct / EVENTS_PER_LIFE);
  console.log(
    `\nBilling webhooks: ${EVENTS} signed deliveries (${lives} subscription lives, ${lives * EVENTS_PER_LIFE} distinct events + duplicates, shuffled), ${CONCURRENCY} in flight`,
  );

  const userIds: string[] = [];
  for (let i = 0; i < lives; i++) {
    const id = randomUUID();
    await sql(
      `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '{"provider":"email"}', '{}', now(), now())`,
      [id, `${tag}-${i}@example.test`],
    );
    userIds.push(id);
  }
  const events: Stripe.Event[] = [];
  for (const userId of userIds) {
    const own = await life(userId);
    if (own.length !== EVENTS_PER_LIFE) throw new Error(`a life made ${own.length} events, expected ${EVENTS_PER_LIFE}`);
    events.push(...own);
  }
  const duplicates = EVENTS - events.length;
  const deliveries = shuffle([...events, ...Array.from({ length: duplicates }, () => events[Math.floor(Math.random() * events.length)]!)]);

  const post = (payload: string) => async () => {
    const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
    const response = await fetch(`${apiUrl}/functions/v1/stripe-webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
      body: payload,
    });
    const body = (await response.json()) as { outcome?: string };
    return { status: response.status, outcome: body.outcome };
  };
  const ignoredEvent = () =>
    JSON.stringify({
      id: `evt_${randomUUID().replace(/-/g, '')}`,
      object: 'event',
      api_version: '2025-11-17.clover',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      type: 'invoice.created',
      data: { object: { id: 'in_bench', object: 'invoice' } },
    });

  await run(
    Array.from({ length: 50 }, () => post(ignoredEvent())),
    CONCURRENCY,
  ); // warm-up
  const ignored = await run(
    Array.from({ length: EVENTS }, () => post(ignoredEvent())),
    CONCURRENCY,
  );
  const baseline = report(`baseline: ${EVENTS} signed events of an ignored type`, ignored);
  const applied = await run(
    deliveries.map((e) => post(JSON.stringify(e))),
    CONCURRENCY,
  );
  const measured = report(`${EVENTS} subscription events (gateway → function → SQL)`, applied);
  console.log(
    `  ratio to the baseline: ${(measured.perSecond / baseline.perSecond).toFixed(2)} (throughput), ${(measured.p50 / baseline.p50).toFixed(2)} (p50), ${(measured.p99 / baseline.p99).toFixed(2)} (p99)`,
  );

  check(
    applied.results.every((r) => r.result.status === 200),
    `every delivery answered 200 (${applied.results.filter((r) => r.result.status !== 200).length} did not)`,
  );
  check(applied.results.filter((r) => r.result.outcome === 'duplicate').length === duplicates, `${duplicates} duplicates acknowledged as duplicate`);
  await exactlyOnce(userIds);
  const stale = applied.results.filter((r) => r.result.outcome === 'stale').length;
  console.log(`  ${stale} late events found a newer state and changed nothing (stale)`);
  if (!args.includes('--no-wrk')) {
    console.log(`\nwrk: 2 threads, 16 connections, ${WRK_SECONDS} s per run`);
    const sign = (payload: string) => ({ payload, signature: stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }) });
    const base = wrk(
      'baseline: signed events of an ignored type',
      Array.from({ length: 200 }, () => sign(ignoredEvent())),
    );
    const dup = wrk(
      'subscription events again (dedupe path)',
      deliveries.map((e) => sign(JSON.stringify(e))),
    );
    if (base && dup) console.log(`  ratio to the baseline: ${(dup.perSecond / base.perSecond).toFixed(2)} (throughput), ${(dup.p99 / base.p99).toFixed(2)} (p99)`);
    await exactlyOnce(userIds);
  }
  await pool.end();
}

const WRK_SECONDS = option('wrk-seconds', 10);

/** Every subscription ended canceled; every user has exactly 3 allowance credits, 3 ledger entries and 1,500 points. */
async function exactlyOnce(userIds: string[]): Promise<void> {
  const states = await sql<{ user_id: string; status: string | null; credits: number; entries: number; balance: number }>(
    `select u.id as user_id,
            (select s.status::text from public.billing_subscriptions s where s.user_id = u.id) as status,
            (select count(*)::int from public.billing_allowance_credits c where c.user_id = u.id) as credits,
            (select count(*)::int from public.wallet_ledger l where l.user_id = u.id and l.kind = 'subscription_allowance') as entries,
            coalesce((select w.balance from public.wallets w where w.user_id = u.id), 0) as balance
       from unnest($1::uuid[]) as u(id)`,
    [userIds],
  );
  check(
    states.every((s) => s.status === 'canceled'),
    `every subscription ended canceled (${states.filter((s) => s.status !== 'canceled').length} did not)`,
  );
  check(
    states.every((s) => s.credits === 3 && s.entries === 3 && s.balance === 1500),
    `exactly once: every user has 3 allowance credits, 3 ledger entries and 1,500 points (${states.filter((s) => !(s.credits === 3 && s.entries === 3 && s.balance === 1500)).length} do not)`,
  );
}

/** Replays signed bodies with wrk; answers its figures (or null when wrk is missing or failed). */
function wrk(label: string, bodies: { payload: string; signature: string }[]): { perSecond: number; p50: number; p99: number } | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-billing-'));
  const script = path.join(dir, 'post.lua');
  const long = (text: string) => `[==[${text}]==]`;
  writeFileSync(
    script,
    `
local bodies = {
${bodies.map((b) => `  { ${long(b.payload)}, ${long(b.signature)} },`).join('\n')}
}
local i = 0
request = function()
  i = i % #bodies + 1
  local b = bodies[i]
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["Stripe-Signature"] = b[2] }, b[1])
end
done = function(summary, latency, requests)
  io.write(string.format("WRK %d %f %f %f %d\\n", summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), summary.errors.status))
end
`,
  );
  // When the program cannot start, spawnSync leaves stdout and stderr null (its types say string).
  const result: { stdout: string | null; stderr: string | null; error?: Error } = spawnSync(
    '/usr/bin/time',
    ['-f', 'CPU %U %S %e', 'wrk', '-t2', '-c16', `-d${WRK_SECONDS}s`, '-s', script, `${apiUrl}/functions/v1/stripe-webhook`],
    { encoding: 'utf8' },
  );
  rmSync(dir, { recursive: true, force: true });
  const figures = result.stdout === null ? null : /WRK (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(result.stdout);
  const cpu = result.stderr === null ? null : /CPU ([\d.]+) ([\d.]+) ([\d.]+)/.exec(result.stderr);
  if (!figures || !cpu) {
    console.log(`  ${label}: wrk did not run (${result.error?.message ?? result.stderr?.trim()})`);
    return null;
  }
  const [requests, durationUs, p50Us, p99Us, non2xx] = figures.slice(1).map(Number) as [number, number, number, number, number];
  const [user, system, elapsed] = cpu.slice(1).map(Number) as [number, number, number];
  const perSecond = requests / (durationUs / 1e6);
  const share = ((user + system) / elapsed) * 100;
  console.log(
    `  ${label.padEnd(56)} ${perSecond.toFixed(0).padStart(6)}/s   p50 ${(p50Us / 1000).toFixed(1).padStart(7)} ms   p99 ${(p99Us / 1000).toFixed(1).padStart(7)} ms   non-2xx ${non2xx}   wrk CPU ${share.toFixed(0)} % of one core (${(share / os.cpus().length).toFixed(0)} % of the machine)`,
  );
  if (non2xx > 0) process.exitCode = 1;
  return { perSecond, p50: p50Us / 1000, p99: p99Us / 1000 };
}

await main();
