/**
 * `npm run bench payments`: the two correctness-under-load figures of the payments module, through the gateway.
 *
 * 1. Stampede: 500 concurrent redemptions of one voucher with 100 uses (PostgREST RPC
 *    `redeem_voucher`, one signed-in user) → exactly 100 succeed and 400 get `voucher_exhausted`.
 *    Reports redemptions/s and p50/p99, against a baseline measured in the same run: 500 concurrent
 *    `voucher_by_code` reads of the same voucher (same path, no write, no row lock). Each stampede is
 *    a burst (bench/burst.ts): 500 open connections, every request written at once. Both bursts are
 *    also sent straight to PostgREST (the gateway's share), and the stampede is run in SQL with 16
 *    connections, timing when the last of the 500 ends (what is left without any HTTP).
 * 2. Webhooks: 1,000 signed Stripe events (800 distinct + 200 duplicates, shuffled) for 650 payments —
 *    voucher successes, points top-ups, failures followed by success, successes and refunds in any
 *    order — POSTed to /functions/v1/stripe-webhook with 16 in flight. Checks every payment's final
 *    state, one voucher per voucher payment at most, one ledger credit per top-up. Reports events/s
 *    and p50/p99, against a baseline of the same number of signed events of a type the webhook
 *    ignores (signature check and HTTP only, no database).
 *
 * Targets a running stack: SUPABASE_URL, SUPABASE_DB_URL, STRIPE_WEBHOOK_SECRET (or the dev stack's
 * defaults; STACK_PROFILE=test for the test stack). The stack must have the payments module and its
 * webhook secret configured (`npm run dev` with STACK_FAKE_STRIPE=1, or the test stack). Data it
 * creates is left in place and marked (`bench-payments-…` e-mails, `Bench …` voucher types).
 * Options: `--redemptions N` (500), `--uses N` (100), `--events N` (1000), `--concurrency N` (16),
 * `--stampede-only`.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import Stripe from 'stripe';
import { burst, type BurstRequest, type BurstResult } from '../bench/burst.ts';
import { recordResults, type ResultRow } from '../bench/results.ts';
import { loadStackConfig } from '../src/stack/config.ts';
import { report as reportTimed, run, type Timed } from '../bench/timing.ts';

const results: ResultRow[] = [];

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const REDEMPTIONS = option('redemptions', 500);
const USES = option('uses', 100);
const EVENTS = option('events', 1000);
const CONCURRENCY = option('concurrency', 16);

const config = loadStackConfig(process.env.STACK_PROFILE === 'test' ? 'test' : 'dev');
const apiUrl = process.env.SUPABASE_URL ?? config.apiUrl;
const restUrl = process.env.POSTGREST_URL ?? `http://127.0.0.1:${config.ports.rest}`;
const dbUrl = process.env.SUPABASE_DB_URL ?? config.dbUrl;
const publishableKey = process.env.SUPABASE_PUBLISHABLE_KEY ?? config.keys.publishableKey;
const serviceKey = process.env.SUPABASE_SERVICE_ROLE_KEY ?? config.keys.serviceRoleKey;
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET ?? config.fakeStripe.webhookSecret;
const stripe = new Stripe('sk_test_bench_signing_only');
const tag = `bench-payments-${Date.now().toString(36)}`;

const pool = new pg.Pool({ connectionString: dbUrl, max: CONCURRENCY });
const sql = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> => (await pool.query<T>(text, values)).rows;

const report = (label: string, timed: { results: Timed<unknown>[]; wallMs: number }) => reportTimed(label, timed, 52);

function reportBurst(label: string, result: BurstResult): BurstResult {
  console.log(
    `  ${label.padEnd(52)} ${result.perSecond.toFixed(0).padStart(6)}/s   p50 ${result.p50.toFixed(1).padStart(7)} ms   p99 ${result.p99.toFixed(1).padStart(7)} ms   client CPU ${(result.clientCpu * 100).toFixed(0)} %`,
  );
  return result;
}

function check(ok: boolean, what: string): void {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) process.exitCode = 1;
}

async function signedInUser(): Promise<{ id: string; token: string }> {
  const email = `${tag}-${randomUUID().slice(0, 8)}@example.test`;
  const password = `Bench-${randomUUID()}-1`;
  const created = await fetch(`${apiUrl}/auth/v1/admin/users`, {
    method: 'POST',
    headers: { apikey: serviceKey, Authorization: `Bearer ${serviceKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password, email_confirm: true }),
  });
  if (!created.ok) throw new Error(`creating a user failed: ${created.status} ${await created.text()}`);
  const user = (await created.json()) as { id: string };
  const signedIn = await fetch(`${apiUrl}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: publishableKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!signedIn.ok) throw new Error(`signing in failed: ${signedIn.status} ${await signedIn.text()}`);
  return { id: user.id, token: ((await signedIn.json()) as { access_token: string }).access_token };
}

async function voucherType(name: string, maxUses: number): Promise<string> {
  const [row] = await sql<{ id: string }>(`insert into public.voucher_types (name, service_type, price_amount, max_uses) values ($1, 'exam_results', 1000, $2) returning id`, [
    `Bench ${name} ${tag}`,
    maxUses,
  ]);
  return row!.id;
}

async function stampede(): Promise<void> {
  console.log(`\nStampede: ${REDEMPTIONS} concurrent redemptions of one voucher with ${USES} uses`);
  const owner = await signedInUser();
  const typeId = await voucherType('stampede', USES);
  const [voucher] = await sql<{ code: string; id: string }>('select code, id from private.issue_voucher($1, $2)', [owner.id, typeId]);
  const rpc = (fn: string, body: unknown) => async () => {
    const response = await fetch(`${apiUrl}/rest/v1/rpc/${fn}`, {
      method: 'POST',
      headers: { apikey: publishableKey, Authorization: `Bearer ${owner.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { code?: string } | unknown[];
    return { status: response.status, code: Array.isArray(json) ? 'ok' : json.code };
  };
  // The stampedes themselves: every request on its own open connection, all written at once
  // (bench/burst.ts), so the figure is the stack's, not the client's.
  const rpcRequest = (fn: string, body: unknown): BurstRequest => ({
    method: 'POST',
    path: `/rest/v1/rpc/${fn}`,
    headers: { apikey: publishableKey, Authorization: `Bearer ${owner.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  // The same request straight to PostgREST (no gateway: the user's token as the gateway passes it on).
  const directRequest = (fn: string, body: unknown): BurstRequest => ({
    method: 'POST',
    path: `/rpc/${fn}`,
    headers: { Authorization: `Bearer ${owner.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answerCode = (body: string) => {
    const json = JSON.parse(body) as { code?: string } | unknown[];
    return Array.isArray(json) ? 'ok' : json.code;
  };

  await run(
    Array.from({ length: 50 }, () => rpc('voucher_by_code', { code: voucher!.code })),
    10,
  ); // warm-up
  // Where a burst's time goes: the same 500 reads straight to PostgREST, then through the gateway.
  const directReads = await burst(
    restUrl,
    Array.from({ length: REDEMPTIONS }, () => directRequest('voucher_by_code', { code: voucher!.code })),
  );
  const readsDirect = reportBurst(`${REDEMPTIONS} concurrent voucher_by_code reads, PostgREST direct`, directReads);
  const reads = await burst(
    apiUrl,
    Array.from({ length: REDEMPTIONS }, () => rpcRequest('voucher_by_code', { code: voucher!.code })),
  );
  const baseline = reportBurst(`baseline: ${REDEMPTIONS} concurrent voucher_by_code reads`, reads);
  check(reads.answers.every((a) => a.status === 200) && directReads.answers.every((a) => a.status === 200), 'every read answered 200');
  console.log(`  gateway / direct for the reads: p99 ${(baseline.p99 / readsDirect.p99).toFixed(2)}×, rate ${(baseline.perSecond / readsDirect.perSecond).toFixed(2)}×`);
  const burstWrites = await burst(
    apiUrl,
    Array.from({ length: REDEMPTIONS }, () => rpcRequest('redeem_voucher', { code: voucher!.code, service_type: 'exam_results', idempotency_key: randomUUID() })),
  );
  const stamp = reportBurst(`${REDEMPTIONS} concurrent redeem_voucher (gateway → PostgREST)`, burstWrites);
  console.log(`  ratio to the read baseline: ${(stamp.perSecond / baseline.perSecond).toFixed(2)} (throughput), ${(stamp.p99 / baseline.p99).toFixed(2)} (p99)`);
  const writes = { results: burstWrites.answers.map((a) => ({ result: { status: a.status, code: answerCode(a.body) } })) };
  // Where the time goes: the winners queue for the voucher's row lock one after another (each holds it
  // until its durable commit), the losers — answered without the lock once no use is left — come after.
  const lastWinner = Math.max(...burstWrites.answers.filter((a) => a.status === 200).map((a) => a.ms));
  const firstLoser = Math.min(...burstWrites.answers.filter((a) => a.status !== 200).map((a) => a.ms));
  console.log(
    `  last of the ${USES} winners answered at ${lastWinner.toFixed(0)} ms (${(lastWinner / USES).toFixed(1)} ms per use), the losers from ${firstLoser.toFixed(0)} to ${burstWrites.wallMs.toFixed(0)} ms (${(((REDEMPTIONS - USES) / (burstWrites.wallMs - firstLoser)) * 1000).toFixed(0)}/s)`,
  );
  const succeeded = writes.results.filter((r) => r.result.status === 200).length;
  const exhausted = writes.results.filter((r) => r.result.code === 'voucher_exhausted').length;
  const [after] = await sql<{ uses_remaining: number; redemptions: number }>(
    'select v.uses_remaining, (select count(*)::int from public.voucher_redemptions r where r.voucher_id = v.id) as redemptions from public.vouchers v where v.id = $1',
    [voucher!.id],
  );
  check(succeeded === USES, `${succeeded} redemptions succeeded (want ${USES})`);
  check(exhausted === REDEMPTIONS - USES, `${exhausted} answered voucher_exhausted (want ${REDEMPTIONS - USES})`);
  check(after!.uses_remaining === 0 && after!.redemptions === USES, `uses_remaining ${after!.uses_remaining}, ${after!.redemptions} redemptions recorded`);

  // The same stampede straight to PostgREST, on a fresh voucher: what is left without the gateway.
  const [third] = await sql<{ code: string; id: string }>('select code, id from private.issue_voucher($1, $2)', [owner.id, typeId]);
  const directWrites = await burst(
    restUrl,
    Array.from({ length: REDEMPTIONS }, () => directRequest('redeem_voucher', { code: third!.code, service_type: 'exam_results', idempotency_key: randomUUID() })),
  );
  const stampDirect = reportBurst(`${REDEMPTIONS} concurrent redeem_voucher, PostgREST direct`, directWrites);
  const directWon = directWrites.answers.filter((a) => a.status === 200).length;
  const directLastWinner = Math.max(...directWrites.answers.filter((a) => a.status === 200).map((a) => a.ms));
  console.log(`  last of the ${USES} winners answered at ${directLastWinner.toFixed(0)} ms; gateway / direct p99 ${(stamp.p99 / stampDirect.p99).toFixed(2)}×`);
  check(
    directWon === USES && directWrites.answers.every((a) => a.status === 200 || answerCode(a.body) === 'voucher_exhausted'),
    `PostgREST direct: ${directWon} succeeded (want ${USES}), the rest voucher_exhausted`,
  );

  // The same stampede in SQL, 16 connections, as the user (role + claims, as PostgREST sets them).
  const [second] = await sql<{ code: string; id: string }>('select code, id from private.issue_voucher($1, $2)', [owner.id, typeId]);
  const claims = JSON.stringify({ sub: owner.id, role: 'authenticated' });
  const direct = await run(
    Array.from({ length: REDEMPTIONS }, () => async () => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [claims]);
        await client.query(`select * from public.redeem_voucher($1, 'exam_results')`, [second!.code]);
        await client.query('commit');
        return 'ok';
      } catch (error) {
        await client.query('rollback');
        return (JSON.parse((error as Error).message) as { code: string }).code;
      } finally {
        client.release();
      }
    }),
    CONCURRENCY,
  );
  const inSql = report(`${REDEMPTIONS} redeem_voucher in SQL, ${CONCURRENCY} connections`, direct);
  // Measured from the first transaction, the last of the 500 ends at the wall time: the p99 a burst of
  // the same 500 would see if it reached Postgres with no HTTP at all, in front of no queue.
  console.log(`  in SQL the last of the ${REDEMPTIONS} ended ${direct.wallMs.toFixed(0)} ms after the first began (a burst's p99 could not be lower)`);
  const sqlWon = direct.results.filter((r) => r.result === 'ok').length;
  check(sqlWon === USES, `SQL: exactly ${USES} succeeded`);
  results.push(
    {
      measurement: `${REDEMPTIONS} concurrent voucher_by_code reads via gateway`,
      figure: `${baseline.perSecond.toFixed(0)}/s`,
      p50: baseline.p50,
      p99: baseline.p99,
      wrkCpu: baseline.clientCpu,
    },
    {
      measurement: `${REDEMPTIONS} concurrent voucher_by_code reads, PostgREST direct`,
      figure: `${readsDirect.perSecond.toFixed(0)}/s`,
      p50: readsDirect.p50,
      p99: readsDirect.p99,
      wrkCpu: readsDirect.clientCpu,
    },
    {
      measurement: `${REDEMPTIONS} concurrent redeem_voucher, PostgREST direct`,
      figure: `${stampDirect.perSecond.toFixed(0)}/s`,
      p50: stampDirect.p50,
      p99: stampDirect.p99,
      wrkCpu: stampDirect.clientCpu,
      check: `${directWon} won; winners done at ${directLastWinner.toFixed(0)} ms`,
    },
    {
      measurement: `${REDEMPTIONS} concurrent redeem_voucher via gateway`,
      figure: `${stamp.perSecond.toFixed(0)}/s`,
      p50: stamp.p50,
      p99: stamp.p99,
      wrkCpu: stamp.clientCpu,
      ratio: `${(stamp.perSecond / inSql.perSecond).toFixed(2)}× SQL, ${(stamp.perSecond / baseline.perSecond).toFixed(2)}× the reads`,
      check: `${succeeded} won (want ${USES}); p99 target ≤ 300 ms: ${stamp.p99 <= 300 ? 'met' : 'not met'}; winners done at ${lastWinner.toFixed(0)} ms`,
    },
    {
      measurement: `${REDEMPTIONS} redeem_voucher in SQL, ${CONCURRENCY} connections`,
      figure: `${inSql.perSecond.toFixed(0)}/s`,
      p50: inSql.p50,
      p99: inSql.p99,
      check: `${sqlWon} won; all ${REDEMPTIONS} done in ${direct.wallMs.toFixed(0)} ms`,
    },
  );
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

interface BenchPayment {
  id: string;
  intent: string;
  userId: string;
  kind: 'voucher' | 'points' | 'retry' | 'refund';
}

async function webhooks(): Promise<void> {
  const distinct = Math.round(EVENTS * 0.8);
  // 800 distinct events: 300 voucher successes, 200 top-ups, 100 × (failure + success), 50 × (success + refund).
  const plan = { voucher: Math.round(distinct * 0.375), points: Math.round(distinct * 0.25), retry: Math.round(distinct * 0.125), refund: Math.round(distinct * 0.0625) };
  console.log(`\nWebhooks: ${EVENTS} signed events (${distinct} distinct + ${EVENTS - distinct} duplicates, shuffled), ${CONCURRENCY} in flight`);

  const userIds: string[] = [];
  for (let i = 0; i < 25; i++) {
    const id = randomUUID();
    await sql(
      `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '{"provider":"email"}', '{}', now(), now())`,
      [id, `${tag}-${i}@example.test`],
    );
    userIds.push(id);
  }
  const typeId = await voucherType('webhooks', 1);
  const [pack] = await sql<{ id: string }>(`insert into public.points_packages (name, points, price_amount) values ($1, 100, 1000) returning id`, [`Bench ${tag}`]);

  const payments: BenchPayment[] = [];
  const kinds = (Object.entries(plan) as [BenchPayment['kind'], number][]).flatMap(([kind, n]) => Array.from({ length: n }, () => kind));
  for (const [i, kind] of kinds.entries()) {
    const userId = userIds[i % userIds.length]!;
    const [row] = await sql<{ id: string }>('select (r.payment).id from private.create_payment($1, $2, $3, $4) r', [
      userId,
      kind === 'points' ? null : typeId,
      kind === 'points' ? pack!.id : null,
      `${tag}-${i}`,
    ]);
    const intent = `pi_bench${i}x${Date.now().toString(36)}`;
    await sql('select private.attach_payment_intent($1, $2, null)', [row!.id, intent]);
    payments.push({ id: row!.id, intent, userId, kind });
  }

  const event = (type: string, object: Record<string, unknown>) => ({
    id: `evt_${randomUUID().replace(/-/g, '')}`,
    object: 'event',
    api_version: '2025-11-17.clover',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type,
    data: { object },
  });
  const intentObject = (p: BenchPayment, extra: Record<string, unknown> = {}) => ({
    id: p.intent,
    object: 'payment_intent',
    amount: 1000,
    amount_received: 1000,
    currency: 'usd',
    metadata: { payment_id: p.id },
    ...extra,
  });
  const events: ReturnType<typeof event>[] = [];
  for (const p of payments) {
    events.push(event('payment_intent.succeeded', intentObject(p)));
    if (p.kind === 'retry') {
      events.push(
        event('payment_intent.payment_failed', intentObject(p, { amount_received: 0, last_payment_error: { code: 'card_declined', message: 'Your card was declined.' } })),
      );
    }
    if (p.kind === 'refund') {
      events.push(
        event('charge.refunded', {
          id: `ch_${p.intent}`,
          object: 'charge',
          amount: 1000,
          amount_refunded: 1000,
          currency: 'usd',
          payment_intent: p.intent,
          metadata: { payment_id: p.id },
        }),
      );
    }
  }
  const deliveries = shuffle([...events, ...Array.from({ length: EVENTS - events.length }, () => events[Math.floor(Math.random() * events.length)]!)]);
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

  await run(
    Array.from({ length: 50 }, () => post(JSON.stringify(event('customer.updated', { id: 'cus_bench', object: 'customer' })))),
    CONCURRENCY,
  ); // warm-up
  const ignored = await run(
    Array.from({ length: EVENTS }, () => post(JSON.stringify(event('customer.updated', { id: 'cus_bench', object: 'customer' })))),
    CONCURRENCY,
  );
  const baseline = report(`baseline: ${EVENTS} signed events of an ignored type`, ignored);
  const applied = await run(
    deliveries.map((e) => post(JSON.stringify(e))),
    CONCURRENCY,
  );
  const measured = report(`${EVENTS} payment events (gateway → function → SQL)`, applied);
  console.log(`  ratio to the baseline: ${(measured.perSecond / baseline.perSecond).toFixed(2)} (throughput), ${(measured.p99 / baseline.p99).toFixed(2)} (p99)`);

  check(
    applied.results.every((r) => r.result.status === 200),
    `every delivery answered 200 (${applied.results.filter((r) => r.result.status !== 200).length} did not)`,
  );
  check(applied.results.filter((r) => r.result.outcome === 'duplicate').length === EVENTS - events.length, `${EVENTS - events.length} duplicates acknowledged as duplicate`);
  const ids = payments.map((p) => p.id);
  const states = await sql<{ id: string; status: string; vouchers: number; active: number; credits: number }>(
    `select p.id, p.status::text,
            (select count(*)::int from public.vouchers v where v.payment_id = p.id) as vouchers,
            (select count(*)::int from public.vouchers v where v.payment_id = p.id and v.is_active) as active,
            (select count(*)::int from public.wallet_ledger l where l.reference_type = 'payment' and l.reference_id = p.id and l.kind = 'purchase') as credits
       from public.payments p where p.id = any($1)`,
    [ids],
  );
  const byId = new Map(states.map((s) => [s.id, s]));
  const wrong = payments.filter((p) => {
    const s = byId.get(p.id)!;
    if (p.kind === 'voucher' || p.kind === 'retry') return !(s.status === 'completed' && s.vouchers === 1 && s.active === 1);
    if (p.kind === 'points') return !(s.status === 'completed' && s.credits === 1 && s.vouchers === 0);
    return !(s.status === 'refunded' && s.vouchers <= 1 && s.active === 0);
  });
  check(wrong.length === 0, `all ${payments.length} payments ended in the right state (${wrong.length} did not)`);
  const [events_] = await sql<{ n: number }>('select count(*)::int as n from private.stripe_events where payment_id = any($1)', [ids]);
  check(events_!.n === events.length, `${events_!.n} events recorded once each (want ${events.length})`);
  const balances = await sql<{ user_id: string; balance: number; ledger: number }>(
    `select w.user_id, w.balance, (select sum(amount)::int from public.wallet_ledger l where l.user_id = w.user_id) as ledger
       from public.wallets w where w.user_id = any($1)`,
    [userIds],
  );
  const expected = new Map<string, number>();
  for (const p of payments) if (p.kind === 'points') expected.set(p.userId, (expected.get(p.userId) ?? 0) + 100);
  check(
    [...expected].every(([user, points]) => balances.find((b) => b.user_id === user)?.balance === points) && balances.every((b) => b.balance === b.ledger),
    'each top-up credited exactly once; every balance equals its ledger',
  );
}

async function main(): Promise<void> {
  console.log(`bench-payments against ${apiUrl}`);
  await stampede();
  if (!args.includes('--stampede-only')) await webhooks();
  recordResults('payments', results);
  await pool.end();
}

main().catch(async (error: unknown) => {
  console.error(error);
  await pool.end().catch(() => undefined);
  process.exit(1);
});
