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
 * Targets a running stack with the fake Stripe (`STACK_FAKE_STRIPE=1 npm run dev`, or STACK_PROFILE=test
 * for the test stack). Data it creates is left in place and marked (`bench-billing-…` e-mails).
 * Options: `--events N` (1000), `--concurrency N` (16).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import Stripe from 'stripe';
import { loadStackConfig } from '../src/stack/config.ts';

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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Timed<T> {
  result: T;
  ms: number;
}

async function run<T>(tasks: (() => Promise<T>)[], limit: number): Promise<{ results: Timed<T>[]; wallMs: number }> {
  const results: Timed<T>[] = new Array(tasks.length);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        const t0 = performance.now();
        const result = await tasks[i]!();
        results[i] = { result, ms: performance.now() - t0 };
      }
    }),
  );
  return { results, wallMs: performance.now() - started };
}

function report(label: string, timed: { results: Timed<unknown>[]; wallMs: number }): { perSecond: number; p50: number; p99: number } {
  const latencies = timed.results.map((r) => r.ms).sort((a, b) => a - b);
  const perSecond = (timed.results.length / timed.wallMs) * 1000;
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  console.log(`  ${label.padEnd(56)} ${perSecond.toFixed(0).padStart(6)}/s   p50 ${p50.toFixed(1).padStart(7)} ms   p99 ${p99.toFixed(1).padStart(7)} ms`);
  return { perSecond, p50, p99 };
}

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
  const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: 'price_user_starter_monthly' }], metadata: { user_id: userId }, payment_behavior: 'default_incomplete' });
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
  console.log(`\nBilling webhooks: ${EVENTS} signed deliveries (${lives} subscription lives, ${lives * EVENTS_PER_LIFE} distinct events + duplicates, shuffled), ${CONCURRENCY} in flight`);

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
  const ignoredEvent = () => JSON.stringify({ id: `evt_${randomUUID().replace(/-/g, '')}`, object: 'event', api_version: '2025-11-17.clover', created: Math.floor(Date.now() / 1000), livemode: false, type: 'invoice.created', data: { object: { id: 'in_bench', object: 'invoice' } } });

  await run(Array.from({ length: 50 }, () => post(ignoredEvent())), CONCURRENCY); // warm-up
  const ignored = await run(Array.from({ length: EVENTS }, () => post(ignoredEvent())), CONCURRENCY);
  const baseline = report(`baseline: ${EVENTS} signed events of an ignored type`, ignored);
  const applied = await run(deliveries.map((e) => post(JSON.stringify(e))), CONCURRENCY);
  const measured = report(`${EVENTS} subscription events (gateway → function → SQL)`, applied);
  console.log(`  ratio to the baseline: ${(measured.perSecond / baseline.perSecond).toFixed(2)} (throughput), ${(measured.p50 / baseline.p50).toFixed(2)} (p50), ${(measured.p99 / baseline.p99).toFixed(2)} (p99)`);

  check(applied.results.every((r) => r.result.status === 200), `every delivery answered 200 (${applied.results.filter((r) => r.result.status !== 200).length} did not)`);
  check(applied.results.filter((r) => r.result.outcome === 'duplicate').length === duplicates, `${duplicates} duplicates acknowledged as duplicate`);
  const states = await sql<{ user_id: string; status: string | null; credits: number; entries: number; balance: number }>(
    `select u.id as user_id,
            (select s.status::text from public.billing_subscriptions s where s.user_id = u.id) as status,
            (select count(*)::int from public.billing_allowance_credits c where c.user_id = u.id) as credits,
            (select count(*)::int from public.wallet_ledger l where l.user_id = u.id and l.kind = 'subscription_allowance') as entries,
            coalesce((select w.balance from public.wallets w where w.user_id = u.id), 0) as balance
       from unnest($1::uuid[]) as u(id)`,
    [userIds],
  );
  check(states.every((s) => s.status === 'canceled'), `every subscription ended canceled (${states.filter((s) => s.status !== 'canceled').length} did not)`);
  check(states.every((s) => s.credits === 3 && s.entries === 3 && s.balance === 1500),
    `exactly once: every user has 3 allowance credits, 3 ledger entries and 1,500 points (${states.filter((s) => !(s.credits === 3 && s.entries === 3 && s.balance === 1500)).length} do not)`);
  const stale = applied.results.filter((r) => r.result.outcome === 'stale').length;
  console.log(`  ${stale} late events found a newer state and changed nothing (stale)`);
  await pool.end();
}

await main();
