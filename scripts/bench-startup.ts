/**
 * `npm run bench startup [-- --runs N]`: how long the local stack takes to become healthy, cold (a
 * new database: initdb, bootstrap, migrations, seed) and warm (the database exists). The baseline
 * is the bare PostgreSQL start inside the same warm runs, so the figure that matters — what the
 * stack adds on top of Postgres — is a ratio that machine noise affects less.
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

async function timeStart(reset: boolean): Promise<number> {
  const started = performance.now();
  const stack = await startStack(config, { reset, say: quiet });
  const elapsed = performance.now() - started;
  phaseRuns[reset ? 'cold' : 'warm'].push(stack.phases);
  await stack.stop();
  return elapsed;
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
console.log(`stack start time over ${runs} runs (median; all runs in brackets)`);
console.log(`  cold (new database)      ${fmt(median(cold))}  [${cold.map(fmt).join(', ')}]`);
console.log(`  warm (existing database) ${fmt(median(warm))}  [${warm.map(fmt).join(', ')}]`);
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
