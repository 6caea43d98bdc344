/**
 * `npm run bench jobs`: background job throughput. Queues 10,000 `diagnostics.echo` jobs and
 * drains them with 4 concurrent workers, twice:
 *
 * 1. Through the `job-worker` Edge Function (the real path: HTTP, gateway, Deno; per call one batch
 *    claim and one batch completion): 4 callers, each POSTing `{max_jobs: 100}` until nothing is claimed.
 * 2. Baseline, the same statements straight in SQL: 4 connections looping `private.claim_jobs(…, 100)`
 *    + `private.complete_jobs()` — what the database does for the function, without the function.
 * 3. For reference, the queue job by job: `private.claim_jobs(…, 1)` + `private.complete_job()`.
 *
 * 1 and 2 alternate for `--rounds` rounds (a drain takes a second or two, and the machine's load moves
 * more than that between two single runs); each figure is the median of its rounds, and the ratio is
 * the median of the rounds' own ratios. 3 runs once. Reports jobs claimed and completed per second for
 * each, the ratio, and checks that every job ran exactly once (status succeeded, attempts 1). Targets
 * a running stack: SUPABASE_URL, SUPABASE_DB_URL (or the dev stack's defaults; STACK_PROFILE=test for
 * the test stack). Options: `--jobs N` (10000), `--workers N` (4), `--batch N` (100 jobs per function
 * call), `--rounds N` (5), `--no-single` (skips 3).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { recordResults, type ResultRow } from '../bench/results.ts';
import { loadStackConfig } from '../src/stack/config.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const JOBS = option('jobs', 10_000);
const WORKERS = option('workers', 4);
const BATCH = option('batch', 100);
const ROUNDS = option('rounds', 5);

const config = loadStackConfig(process.env.STACK_PROFILE === 'test' ? 'test' : 'dev');
const apiUrl = process.env.SUPABASE_URL ?? config.apiUrl;
const dbUrl = process.env.SUPABASE_DB_URL ?? config.dbUrl;
const secretKey = process.env.SUPABASE_SECRET_KEY ?? config.keys.secretKey;

const pool = new pg.Pool({ connectionString: dbUrl, max: WORKERS + 2 });
const sql = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> => (await pool.query<T>(text, values)).rows;

async function enqueue(tag: string, count = JOBS): Promise<void> {
  // Other queued echo jobs would be drained too; park them for the run and restore them after.
  await sql(`update private.jobs set run_after = run_after + interval '100 years' where type = 'diagnostics.echo' and status = 'queued'`);
  await sql(`insert into private.jobs (type, payload) select 'diagnostics.echo', jsonb_build_object('message', $1::text) from generate_series(1, $2)`, [tag, count]);
}

async function verify(tag: string): Promise<string> {
  const [row] = await sql<{ done: string; once: string; total: string }>(
    `select count(*) filter (where status = 'succeeded') as done, count(*) filter (where status = 'succeeded' and attempts = 1) as once, count(*) as total
       from private.jobs where payload ->> 'message' = $1`,
    [tag],
  );
  return `${row!.done}/${row!.total} succeeded, ${row!.once} on their first and only attempt`;
}

async function viaFunction(count = JOBS): Promise<{ seconds: number; check: string }> {
  const tag = `bench-jobs-fn-${randomUUID()}`;
  await enqueue(tag, count);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, i) => {
      for (;;) {
        const response = await fetch(`${apiUrl}/functions/v1/job-worker`, {
          method: 'POST',
          headers: { apikey: secretKey, 'content-type': 'application/json' },
          body: JSON.stringify({ max_jobs: BATCH, types: ['diagnostics.echo'], worker_id: `bench-fn-${i}` }),
        });
        if (!response.ok) throw new Error(`job-worker answered ${response.status}: ${await response.text()}`);
        const report = (await response.json()) as { claimed: number };
        if (report.claimed === 0) return;
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, check: await verify(tag) };
}

async function viaSql(batch: number, count = JOBS): Promise<{ seconds: number; check: string }> {
  const tag = `bench-jobs-sql-${randomUUID()}`;
  await enqueue(tag, count);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, i) => {
      const client = await pool.connect();
      try {
        for (;;) {
          const { rows } = await client.query<{ id: string; lease_token: string; payload: { message: string } }>(
            `select id, lease_token, payload from private.claim_jobs($1, $2, 300, array['diagnostics.echo'])`,
            [`bench-sql-${i}`, batch],
          );
          if (rows.length === 0) return;
          if (batch === 1) {
            await client.query('select private.complete_job($1, $2, $3)', [rows[0]!.id, rows[0]!.lease_token, JSON.stringify({ message: rows[0]!.payload.message })]);
          } else {
            const completions = rows.map((row) => ({ id: row.id, lease_token: row.lease_token, result: { message: row.payload.message, attempt: 1 } }));
            await client.query('select private.complete_jobs($1)', [JSON.stringify(completions)]);
          }
        }
      } finally {
        client.release();
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, check: await verify(tag) };
}

try {
  console.log(`bench jobs: ${JOBS} queued diagnostics.echo jobs, ${WORKERS} workers (${apiUrl})`);
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  const fnRates: number[] = [];
  const batchedRates: number[] = [];
  const ratios: number[] = [];
  const checked: string[] = [];
  // Warm-up, not counted: the function's first calls open its connections and compile its code.
  await viaFunction(WORKERS * BATCH * 2);
  await viaSql(BATCH, WORKERS * BATCH * 2);
  for (let round = 1; round <= ROUNDS; round++) {
    const fn = await viaFunction();
    const batched = await viaSql(BATCH);
    fnRates.push(JOBS / fn.seconds);
    batchedRates.push(JOBS / batched.seconds);
    ratios.push(fn.seconds > 0 ? batched.seconds / fn.seconds : 0);
    checked.push(fn.check, batched.check);
    console.log(
      `  round ${round}: function ${fnRates.at(-1)!.toFixed(0).padStart(6)} jobs/s, SQL batch ${batchedRates.at(-1)!.toFixed(0).padStart(6)} jobs/s, ${ratios.at(-1)!.toFixed(2)}×`,
    );
  }
  const allOnce = (checks: string[]) => checks.find((c) => !c.startsWith(`${JOBS}/${JOBS} succeeded, ${JOBS} `)) ?? checks[0]!;
  const fnCheck = allOnce(checked.filter((_, i) => i % 2 === 0));
  const batchedCheck = allOnce(checked.filter((_, i) => i % 2 === 1));
  const fnRate = median(fnRates);
  const batchedRate = median(batchedRates);
  const ratio = median(ratios);
  const spread = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  console.log(`  job-worker function (${BATCH}/call):        ${fnRate.toFixed(0).padStart(6)} jobs/s (median of ${ROUNDS}) — ${fnCheck}`);
  console.log(`  SQL, the same batch statements (${BATCH}):     ${batchedRate.toFixed(0).padStart(6)} jobs/s (median of ${ROUNDS}) — ${batchedCheck}`);
  console.log(`  function / SQL batch baseline: ${ratio.toFixed(2)}× (median of the rounds' ratios; ${spread})`);
  const once = (check: string) => (new RegExp(`^${JOBS}/${JOBS} succeeded, ${JOBS} on`).test(check) ? `every job exactly once` : `FAIL: ${check}`);
  const rows: ResultRow[] = [
    {
      measurement: `job-worker function, ${WORKERS} callers × ${BATCH} jobs/call`,
      figure: `${fnRate.toFixed(0)} jobs/s`,
      ratio: `${ratio.toFixed(2)}× SQL batch (rounds ${spread})`,
      check: once(fnCheck),
    },
    { measurement: `SQL: claim_jobs(${BATCH}) + complete_jobs, ${WORKERS} connections`, figure: `${batchedRate.toFixed(0)} jobs/s`, check: once(batchedCheck) },
  ];
  if (!args.includes('--no-single')) {
    const single = await viaSql(1);
    const singleRate = JOBS / single.seconds;
    console.log(`  SQL, job by job (claim 1 + complete 1):   ${singleRate.toFixed(0).padStart(6)} jobs/s (${single.seconds.toFixed(2)} s) — ${single.check}`);
    console.log(`  function / SQL job by job: ${(fnRate / singleRate).toFixed(2)}×`);
    checked.push(single.check);
    rows.push({
      measurement: `SQL: claim_jobs(1) + complete_job, ${WORKERS} connections`,
      figure: `${singleRate.toFixed(0)} jobs/s`,
      ratio: `function ${(fnRate / singleRate).toFixed(2)}× this`,
      check: once(single.check),
    });
  }
  for (const check of checked) if (!check.startsWith(`${JOBS}/${JOBS} succeeded, ${JOBS} `)) process.exitCode = 1;
  recordResults('jobs', rows);
} finally {
  await sql(
    `update private.jobs set run_after = run_after - interval '100 years' where type = 'diagnostics.echo' and status = 'queued' and run_after > now() + interval '50 years'`,
  );
  await pool.end();
}
