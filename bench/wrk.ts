/**
 * HTTP load for the benchmarks comes from wrk (C, one event loop per thread), not from a Node loop:
 * a Node client doing the same work used a whole core and reported its own ceiling (474 tx/s for a
 * path wrk drove at 1,266). Every run reports wrk's own CPU share — user + system time of the wrk
 * process from /proc/<pid>/stat over the wall time, in cores — so a reader can see that the load
 * generator was not the limit.
 *
 * Requests that must differ (an Idempotency-Key per call, a caller per connection) are made by Lua
 * scripts in bench/lua/; every script is joined with bench/lua/report.lua, whose done() prints the
 * figures as one JSON line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { clockTicks } from './proc.ts';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WRK = process.env.WRK_BIN ?? '/usr/bin/wrk';
const luaDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lua');

export interface WrkOptions {
  url: string;
  connections: number;
  seconds: number;
  threads?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** A script in bench/lua/ making each request (it sees BENCH_* environment variables). */
  script?: string;
  env?: Record<string, string>;
}

export interface WrkResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  /** Answers outside 2xx/3xx, and socket errors (connect, read, write, timeout). */
  non2xx: number;
  errors: number;
  /** wrk's CPU time over the wall time, in cores (1.0 = one core busy all the time). */
  wrkCpu: number;
}

/** User + system CPU seconds of a process so far. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return NaN;
  }
}

const quoteLua = (value: string) => JSON.stringify(value);

/** Runs wrk once and parses its JSON report. */
export async function wrk(options: WrkOptions): Promise<WrkResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-wrk-'));
  const file = path.join(dir, 'script.lua');
  const setup = [
    `wrk.method = ${quoteLua(options.method ?? 'GET')}`,
    ...Object.entries(options.headers ?? {}).map(([k, v]) => `wrk.headers[${quoteLua(k)}] = ${quoteLua(v)}`),
    options.body !== undefined ? `wrk.body = ${quoteLua(options.body)}` : '',
  ].join('\n');
  const parts = [setup, options.script ? readFileSync(path.join(luaDir, options.script), 'utf8') : '', readFileSync(path.join(luaDir, 'report.lua'), 'utf8')];
  writeFileSync(file, parts.join('\n'));
  const threads = options.threads ?? Math.min(2, options.connections);
  const args = ['-t', String(threads), '-c', String(options.connections), '-d', `${options.seconds}s`, '--timeout', '10s', '-s', file, options.url];
  try {
    const started = performance.now();
    const child = spawn(WRK, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let cpu = NaN;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Sampled just before the end (a reaped process has no /proc entry).
    const sampler = setInterval(() => {
      const now = cpuSeconds(child.pid!);
      if (!Number.isNaN(now)) cpu = now;
    }, 100);
    const code = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (c) => resolve(c ?? 1));
    });
    clearInterval(sampler);
    const wall = (performance.now() - started) / 1000;
    const line = output.split('\n').find((l) => l.startsWith('{"bench":'));
    if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}):\n${output}`);
    const report = JSON.parse(line) as { requests: number; duration_us: number; p50: number; p90: number; p99: number; non2xx: number; errors: number };
    const seconds = report.duration_us / 1e6;
    return {
      requests: report.requests,
      seconds,
      perSecond: report.requests / seconds,
      p50: report.p50 / 1000,
      p90: report.p90 / 1000,
      p99: report.p99 / 1000,
      non2xx: report.non2xx,
      errors: report.errors,
      wrkCpu: cpu / wall,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sums rounds of the same measurement (rates over the total time; percentiles: the median round's). */
export function mergeRounds(rounds: WrkResult[]): WrkResult {
  const requests = rounds.reduce((n, r) => n + r.requests, 0);
  const seconds = rounds.reduce((n, r) => n + r.seconds, 0);
  const median = (pick: (r: WrkResult) => number) => [...rounds.map(pick)].sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;
  return {
    requests,
    seconds,
    perSecond: requests / seconds,
    p50: median((r) => r.p50),
    p90: median((r) => r.p90),
    p99: median((r) => r.p99),
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    wrkCpu: rounds.reduce((n, r) => n + r.wrkCpu * r.seconds, 0) / seconds,
  };
}

/** One line: req/s, p50/p99, failures and wrk's CPU share. */
export function describe(label: string, r: WrkResult, ratioTo?: { label: string; result: WrkResult }): string {
  const ratio = ratioTo ? `  ${(r.perSecond / ratioTo.result.perSecond).toFixed(2)}× ${ratioTo.label} (p50 ${(r.p50 / ratioTo.result.p50).toFixed(2)}×)` : '';
  const failures = r.non2xx + r.errors > 0 ? `  [${r.non2xx} non-2xx, ${r.errors} socket errors]` : '';
  return `  ${label.padEnd(58)} ${r.perSecond.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(7)} ms  wrk CPU ${(r.wrkCpu * 100).toFixed(0)}%${ratio}${failures}`;
}
