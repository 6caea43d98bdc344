/**
 * `npm run bench all`: runs every benchmark one after another against the running stack (the dev
 * stack's ports, started with `STACK_FAKE_STRIPE=1 npm run dev` so payments work; `startup` starts
 * its own stacks on the ports in BENCH_STARTUP_PORTS, default the API port + 100, + 101, + 103) and
 * writes bench/results.md: one table of every figure with the part underneath measured in the same
 * run, the ratio, wrk's CPU share, and what the machine was and how busy it was meanwhile.
 *
 * Options: `--only a,b` to run some of them (the table then says which were not re-measured),
 * `--out FILE` (bench/results.md). Each benchmark keeps its own correctness checks; a failed check
 * fails the run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { machine, withMachineLoad } from '../bench/proc.ts';
import type { ResultRow } from '../bench/results.ts';
import { loadStackConfig, projectRoot } from '../src/stack/config.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const ORDER = ['startup', 'http', 'wallet', 'jobs', 'payments', 'auth', 'storage', 'crm'];
const only = option('only')?.split(',');
const out = option('out') ?? path.join(projectRoot, 'bench', 'results.md');
const config = loadStackConfig(process.env.STACK_PROFILE === 'test' ? 'test' : 'dev');
const [startupApi, startupDb, startupMailbox] = (process.env.BENCH_STARTUP_PORTS ?? `${config.ports.api + 100},${config.ports.api + 101},${config.ports.api + 103}`).split(',');

const resultsDir = mkdtempSync(path.join(os.tmpdir(), 'bench-all-'));
const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
const env = { ...process.env, BENCH_RESULTS_DIR: resultsDir };
const dbUrlEnv = { SUPABASE_DB_URL: process.env.SUPABASE_DB_URL ?? config.dbUrl, SUPABASE_URL: process.env.SUPABASE_URL ?? config.apiUrl };
const special: Record<string, NodeJS.ProcessEnv> = {
  startup: { STACK_API_PORT: startupApi, STACK_DB_PORT: startupDb, STACK_MAILBOX_PORT: startupMailbox, STACK_DATA_DIR: path.join(projectRoot, '.stack', 'bench-startup') },
  wallet: dbUrlEnv,
  // Against the running stack, as the others (on its own, it starts a stack of its own on the dev ports).
  crm: dbUrlEnv,
};

const ran: { name: string; status: number; seconds: number; busyCores: number }[] = [];
const header = machine();
console.log(`bench all: ${header}`);
for (const name of ORDER) {
  if (only && !only.includes(name)) continue;
  if (!existsSync(path.join(projectRoot, 'scripts', `bench-${name}.ts`))) continue;
  console.log(`\n=== bench ${name}`);
  const started = performance.now();
  const { result, busyCores } = await withMachineLoad(() =>
    Promise.resolve(spawnSync(tsx, [path.join(projectRoot, 'scripts', `bench-${name}.ts`)], { stdio: 'inherit', env: { ...env, ...special[name] } })),
  );
  ran.push({ name, status: result.status ?? 1, seconds: (performance.now() - started) / 1000, busyCores });
}

const rows = new Map<string, ResultRow[]>();
for (const file of readdirSync(resultsDir)) rows.set(file.replace(/\.json$/, ''), JSON.parse(readFileSync(path.join(resultsDir, file), 'utf8')) as ResultRow[]);
rmSync(resultsDir, { recursive: true, force: true });

const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '' : value.toFixed(value < 10 ? 2 : 1));
const lines = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench all\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Machine: ${header}.`,
  '',
  'The machine is shared: the "machine busy" column is how many cores were in use by everything on it',
  '(other users included) while a benchmark ran, out of the cores it has. Absolute figures move with',
  'that load; the ratios to the part underneath, measured in the same run, are what to compare.',
  "wrk CPU is the load generator's own share of one core.",
  '',
  '| bench | measurement | figure | p50 ms | p99 ms | wrk CPU | vs the part underneath | check |',
  '| --- | --- | ---: | ---: | ---: | ---: | --- | --- |',
];
for (const { name } of ran) {
  for (const row of rows.get(name) ?? []) {
    lines.push(
      `| ${name} | ${row.measurement} | ${row.figure} | ${ms(row.p50)} | ${ms(row.p99)} | ${row.wrkCpu === undefined ? '' : `${(row.wrkCpu * 100).toFixed(0)} %`} | ${row.ratio ?? ''} | ${row.check ?? ''} |`,
    );
  }
}
lines.push('', `| bench | exit | minutes | machine busy (cores of ${os.cpus().length}) |`, '| --- | ---: | ---: | ---: |');
for (const r of ran) lines.push(`| ${r.name} | ${r.status} | ${(r.seconds / 60).toFixed(1)} | ${r.busyCores.toFixed(2)} |`);
const skipped = ORDER.filter((n) => !ran.some((r) => r.name === n));
if (skipped.length > 0) lines.push('', `Not re-measured in this run: ${skipped.join(', ')} (see docs/benchmarks.md for their last figures).`);
writeFileSync(out, `${lines.join('\n')}\n`);
console.log(`\nwrote ${path.relative(projectRoot, out)}`);
if (ran.some((r) => r.status !== 0)) process.exitCode = 1;
