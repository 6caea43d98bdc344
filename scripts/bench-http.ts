/**
 * `npm run bench http`: what the gateway costs. Drives, with wrk, at 16 and 64 connections, rounds
 * alternating so that the shared machine's drifting load hits every measurement alike:
 *
 * - `GET /rest/v1/tools?limit=1` with the publishable key through the gateway, against the same
 *   request straight to PostgREST (with the anon JWT the gateway would put there);
 * - `GET /functions/v1/health` through the gateway, against the functions server directly.
 *
 * Reports req/s, p50/p99, wrk's CPU share and the gateway / direct ratios. Targets a running stack
 * (the dev stack's ports; STACK_PROFILE=test for the test stack's). Options: `--seconds N` (8),
 * `--rounds N` (3), `--connections 16,64`.
 */
import { describe, mergeRounds, wrk, type WrkResult } from '../bench/wrk.ts';
import { recordResults } from '../bench/results.ts';
import { loadStackConfig } from '../src/stack/config.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const SECONDS = Number(option('seconds', '8'));
const ROUNDS = Number(option('rounds', '3'));
const CONNECTIONS = option('connections', '16,64').split(',').map(Number);

const config = loadStackConfig(process.env.STACK_PROFILE === 'test' ? 'test' : 'dev');
const gateway = config.apiUrl;
const rest = `http://127.0.0.1:${config.ports.rest}`;
const functions = `http://127.0.0.1:${config.ports.functions}`;

const paths = {
  'REST via gateway': { url: `${gateway}/rest/v1/tools?limit=1`, headers: { apikey: config.keys.publishableKey } },
  'REST direct (PostgREST)': { url: `${rest}/tools?limit=1`, headers: { authorization: `Bearer ${config.keys.anonKey}` } },
  'function via gateway': { url: `${gateway}/functions/v1/health`, headers: {} },
  'function direct (functions server)': { url: `${functions}/health`, headers: {} },
} as const;
type Name = keyof typeof paths;

console.log(`bench http: ${SECONDS} s × ${ROUNDS} rounds per measurement, connections ${CONNECTIONS.join(' and ')} (${gateway})`);
const rows: { measurement: string; result: WrkResult; baseline?: string; ratio?: number; p50Ratio?: number }[] = [];
for (const connections of CONNECTIONS) {
  const rounds: Record<Name, WrkResult[]> = { 'REST via gateway': [], 'REST direct (PostgREST)': [], 'function via gateway': [], 'function direct (functions server)': [] };
  // Warm-up: connections, plans, the function's first calls.
  for (const name of Object.keys(paths) as Name[]) await wrk({ ...paths[name], connections, seconds: 1 });
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(paths) as Name[]) rounds[name].push(await wrk({ ...paths[name], connections, seconds: SECONDS }));
  }
  const merged = Object.fromEntries(Object.entries(rounds).map(([name, r]) => [name, mergeRounds(r)])) as Record<Name, WrkResult>;
  console.log(`\n${connections} connections`);
  for (const [name, direct] of [
    ['REST via gateway', 'REST direct (PostgREST)'],
    ['function via gateway', 'function direct (functions server)'],
  ] as [Name, Name][]) {
    console.log(describe(direct, merged[direct]));
    console.log(describe(name, merged[name], { label: 'direct', result: merged[direct] }));
    rows.push({ measurement: `${direct}, ${connections} conn.`, result: merged[direct] });
    rows.push({
      measurement: `${name}, ${connections} conn.`,
      result: merged[name],
      baseline: direct,
      ratio: merged[name].perSecond / merged[direct].perSecond,
      p50Ratio: merged[name].p50 / merged[direct].p50,
    });
  }
}
recordResults(
  'http',
  rows.map((r) => ({
    measurement: r.measurement,
    figure: `${r.result.perSecond.toFixed(0)} req/s`,
    p50: r.result.p50,
    p99: r.result.p99,
    wrkCpu: r.result.wrkCpu,
    ratio: r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}× direct (p50 ${r.p50Ratio!.toFixed(2)}×)`,
  })),
);
