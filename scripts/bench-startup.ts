/**
 * `npm run bench startup [-- --runs N]`: how long the local stack takes to become usable, cold (a
 * new database: initdb, bootstrap, migrations, seed) and warm (the database exists). Usable is
 * measured, not declared: right after `startStack` returns, the bench sends the first real request of
 * each kind through the gateway — a REST read with the publishable key, a password sign-in of a demo
 * user, the `health` function — and the figure is the moment the last of the three has answered 2xx
 * (a failed one fails the bench). The first Storage request, which may be held while Storage starts
 * after the others, is reported on its own line. The baseline is the bare PostgreSQL start inside the
 * same warm runs, so the figure that matters — what the stack adds on top of Postgres — is a ratio
 * that machine noise affects less.
 * Runs on its own ports and data folder, so a running `npm run dev` is not disturbed.
 */
import path from 'node:path';
import { projectRoot } from '../src/stack/config.ts';

process.env.STACK_API_PORT ??= '57321';
process.env.STACK_DB_PORT ??= '57322';
process.env.STACK_MAILBOX_PORT ??= '57324';
process.env.STACK_DATA_DIR ??= path.join(projectRoot, '.stack', 'bench');

const { loadStackConfig } = await import('../src/stack/config.ts');
const { startStack } = await import('../src/stack/stack.ts');
const database = await import('../src/stack/database.ts');
const { Supervisor } = await import('../src/stack/supervisor.ts');

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const config = loadStackConfig('dev');
const quiet = () => undefined;

const phaseRuns: Record<'cold' | 'warm', [string, number][][]> = { cold: [], warm: [] };

/** Sends one request and resolves with the time it answered (ms since `t0`); throws unless 2xx. */
async function firstRequest(what: string, t0: number, url: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const body = await response.text();
  if (!response.ok) throw new Error(`first ${what} request failed: ${response.status} ${body.slice(0, 200)}`);
  return performance.now() - t0;
}

const storageRuns: number[] = [];

async function timeStart(reset: boolean): Promise<number> {
  const started = performance.now();
  const stack = await startStack(config, { reset, say: quiet });
  const returned = performance.now() - started;
  const publishable = { apikey: config.keys.publishableKey };
  const answered = Promise.all([
    firstRequest('REST', started, `${config.apiUrl}/rest/v1/tools?select=id&limit=1`, { headers: publishable }),
    firstRequest('Auth', started, `${config.apiUrl}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { ...publishable, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'client@example.test', password: 'demo-password-1' }),
    }),
    firstRequest('function', started, `${config.apiUrl}/functions/v1/health`),
    firstRequest('Storage', started, `${config.apiUrl}/storage/v1/bucket`, { headers: { apikey: config.keys.secretKey } }),
  ]);
  const [rest, auth, fn, storage] = await answered.catch(async (error: unknown) => {
    await stack.stop();
    throw error;
  });
  const usable = Math.max(rest, auth, fn);
  const phases: [string, number][] = [
    ...stack.phases,
    ['startStack returned', returned],
    ['first REST request answered', rest],
    ['first Auth request answered', auth],
    ['first function request answered', fn],
    ['first Storage request answered', storage],
  ];
  phaseRuns[reset ? 'cold' : 'warm'].push(phases.sort((a, b) => a[1] - b[1]));
  storageRuns.push(storage);
  // Older stacks had nothing deferred.
  await (stack as { deferred?: Promise<void> }).deferred?.catch(() => undefined);
  await stack.stop();
  return usable;
}

async function timePostgresOnly(): Promise<number> {
  const supervisor = new Supervisor(config.dataDir, quiet);
  const started = performance.now();
  await supervisor.start(database.postgresService(config));
  const elapsed = performance.now() - started;
  await supervisor.stopAll();
  return elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cold: number[] = [];
const warm: number[] = [];
const pgOnly: number[] = [];
for (let i = 0; i < runs; i++) {
  cold.push(await timeStart(true));
  warm.push(await timeStart(false));
  pgOnly.push(await timePostgresOnly());
}
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`time until a REST, an Auth and a function request through the gateway have all answered, over ${runs} runs (median; all runs in brackets)`);
console.log(`  cold (new database)      ${fmt(median(cold))}  [${cold.map(fmt).join(', ')}]`);
console.log(`  warm (existing database) ${fmt(median(warm))}  [${warm.map(fmt).join(', ')}]`);
console.log(`  first Storage request    ${fmt(median(storageRuns))}  [${storageRuns.map(fmt).join(', ')}] (cold and warm)`);
console.log(`  baseline: Postgres alone ${fmt(median(pgOnly))}  [${pgOnly.map(fmt).join(', ')}]`);
console.log(`  warm / Postgres alone    ${(median(warm) / median(pgOnly)).toFixed(1)}x`);
console.log(`  cold / warm              ${(median(cold) / median(warm)).toFixed(1)}x`);
console.log('(Deno dependency cache already filled; on a fresh machine the first start also downloads it)');
for (const kind of ['warm', 'cold'] as const) {
  const last = phaseRuns[kind].at(-1) ?? [];
  let previous = 0;
  console.log(`  ${kind} start, last run, phase by phase (end of phase, its own time):`);
  for (const [name, at] of last) {
    console.log(`    ${name.padEnd(40)} ${fmt(at)}  (+${(at - previous).toFixed(0)} ms)`);
    previous = Math.max(previous, at);
  }
}
const { recordResults } = await import('../bench/results.ts');
const phaseSummary = (kind: 'warm' | 'cold') => {
  const last = phaseRuns[kind].at(-1) ?? [];
  let previous = 0;
  const steps = last.map(([name, at]) => {
    const step = `${name} +${(at - previous).toFixed(0)}`;
    previous = Math.max(previous, at);
    return step;
  });
  return steps.join(', ');
};
recordResults('startup', [
  { measurement: 'Postgres alone (baseline)', figure: fmt(median(pgOnly)) },
  { measurement: 'first Storage request (starts after the stack is usable)', figure: fmt(median(storageRuns)) },
  {
    measurement: 'warm start (existing database)',
    figure: fmt(median(warm)),
    ratio: `${(median(warm) / median(pgOnly)).toFixed(1)}× Postgres alone`,
    check: `target ≤ 1.0 s: ${median(warm) <= 1000 ? 'met' : 'not met'}; ms: ${phaseSummary('warm')}`,
  },
  {
    measurement: 'cold start (new database)',
    figure: fmt(median(cold)),
    ratio: `${(median(cold) / median(warm)).toFixed(1)}× warm`,
    check: `target ≤ 3 s: ${median(cold) <= 3000 ? 'met' : 'not met'}; ms: ${phaseSummary('cold')}`,
  },
]);
