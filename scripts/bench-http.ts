/**
 * `npm run bench http`: what the gateway costs. Drives, with wrk, at 16 and 64 connections:
 *
 * - `GET /rest/v1/tools?limit=1` with the publishable key through the gateway, against the same
 *   request straight to PostgREST (with the anon JWT the gateway would put there);
 * - `GET /functions/v1/health` through the gateway, against the functions server directly.
 *
 * The machine is shared and its load drifts by more than the gateway costs, so a single long run per
 * side says little. Each measurement is made of paired rounds: direct and gateway back to back, their
 * order alternating from round to round (so a rising or falling load favours neither side), and the
 * figure is the median of the per-round ratios, with their spread. Besides rates, it reports the CPU
 * time each process spent per request (from /proc: nginx, PostgREST, Postgres, the functions server,
 * wrk), which does not depend on how busy the rest of the machine is: nginx's share is the gateway's
 * own cost, directly.
 *
 * Targets a running stack (the dev stack's ports; STACK_PROFILE=test for the test stack's). Options:
 * `--seconds N` (5), `--rounds N` (5), `--connections 16,64`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cpuSeconds, describe, mergeRounds, wrk, type WrkOptions, type WrkResult } from '../bench/wrk.ts';
import { recordResults } from '../bench/results.ts';
import { loadStackConfig } from '../src/stack/config.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const SECONDS = Number(option('seconds', '5'));
const ROUNDS = Number(option('rounds', '5'));
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
} satisfies Record<string, Omit<WrkOptions, 'connections' | 'seconds'>>;
type Name = keyof typeof paths;
const pairs: [direct: Name, viaGateway: Name][] = [
  ['REST direct (PostgREST)', 'REST via gateway'],
  ['function direct (functions server)', 'function via gateway'],
];

/** The stack's services and every process below each (nginx's workers, Postgres's backends). */
function serviceTrees(): Record<string, number[]> {
  let roots: Record<string, number> = {};
  try {
    roots = JSON.parse(readFileSync(path.join(config.dataDir, 'pids.json'), 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const under = (pid: number, root: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = parent.get(p), hops++) if (p === root) return true;
    return false;
  };
  const wanted = ['nginx', 'postgrest', 'postgres', 'functions'];
  return Object.fromEntries(wanted.filter((name) => roots[name]).map((name) => [name, [...parent.keys()].filter((pid) => under(pid, roots[name]!))]));
}

const treeCpu = (trees: Record<string, number[]>) =>
  Object.fromEntries(Object.entries(trees).map(([name, pids]) => [name, pids.reduce((sum, pid) => sum + (Number.isNaN(cpuSeconds(pid)) ? 0 : cpuSeconds(pid)), 0)]));

interface Measured {
  result: WrkResult;
  /** CPU microseconds per request, by process (wrk included). */
  cpuPerRequest: Record<string, number>;
}

async function measure(name: Name, connections: number, seconds: number): Promise<Measured> {
  const trees = serviceTrees();
  const before = treeCpu(trees);
  const result = await wrk({ ...paths[name], connections, seconds });
  const after = treeCpu(trees);
  const cpuPerRequest: Record<string, number> = {};
  for (const service of Object.keys(before)) cpuPerRequest[service] = ((after[service]! - before[service]!) / result.requests) * 1e6;
  cpuPerRequest.wrk = ((result.wrkCpu * result.seconds) / result.requests) * 1e6;
  return { result, cpuPerRequest };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const cpuLine = (measured: Measured[]) => {
  const names = Object.keys(measured[0]!.cpuPerRequest);
  return names
    .map((n) => ({ n, us: median(measured.map((m) => m.cpuPerRequest[n] ?? 0)) }))
    .filter(({ us }) => us >= 1)
    .map(({ n, us }) => `${n} ${us.toFixed(0)}`)
    .join(', ');
};

console.log(`bench http: ${ROUNDS} paired rounds of ${SECONDS} s per measurement, order alternating; connections ${CONNECTIONS.join(' and ')} (${gateway})`);
const rows: { measurement: string; result: WrkResult; ratio?: string }[] = [];
for (const connections of CONNECTIONS) {
  const rounds = Object.fromEntries(Object.keys(paths).map((n) => [n, [] as Measured[]])) as Record<Name, Measured[]>;
  // Warm-up: connections, plans, the function's first calls.
  for (const name of Object.keys(paths) as Name[]) await wrk({ ...paths[name], connections, seconds: 1 });
  for (let round = 0; round < ROUNDS; round++) {
    for (const [direct, viaGateway] of pairs) {
      const order = round % 2 === 0 ? [direct, viaGateway] : [viaGateway, direct];
      for (const name of order) rounds[name].push(await measure(name, connections, SECONDS));
    }
  }
  console.log(`\n${connections} connections (CPU per request in µs, medians of the rounds)`);
  for (const [direct, viaGateway] of pairs) {
    const d = mergeRounds(rounds[direct].map((m) => m.result));
    const g = mergeRounds(rounds[viaGateway].map((m) => m.result));
    const rateRatios = rounds[viaGateway].map((m, i) => m.result.perSecond / rounds[direct][i]!.result.perSecond);
    const p50Ratios = rounds[viaGateway].map((m, i) => m.result.p50 / rounds[direct][i]!.result.p50);
    const spread = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
    const ratio = `${median(rateRatios).toFixed(2)}× direct (rounds ${spread(rateRatios)}), p50 ${median(p50Ratios).toFixed(2)}× (${spread(p50Ratios)})`;
    console.log(describe(direct, d));
    console.log(`      CPU µs/request: ${cpuLine(rounds[direct])}`);
    console.log(describe(viaGateway, g));
    console.log(`      CPU µs/request: ${cpuLine(rounds[viaGateway])}`);
    console.log(`      gateway / direct, median of ${ROUNDS} paired rounds: ${ratio}`);
    rows.push({ measurement: `${direct}, ${connections} conn.`, result: d });
    rows.push({ measurement: `${viaGateway}, ${connections} conn.`, result: g, ratio });
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
    ratio: r.ratio ?? '',
  })),
);
