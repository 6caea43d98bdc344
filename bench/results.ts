/**
 * Collects each benchmark's rows for `npm run bench all`, which sets BENCH_RESULTS_DIR, runs every
 * benchmark and turns the rows into bench/results.md. Run alone, a benchmark only prints.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ResultRow {
  measurement: string;
  /** The figure with its unit: `1,234 req/s`, `0.84 s`. */
  figure: string;
  p50?: number;
  p99?: number;
  /** wrk's CPU share in cores, for HTTP load. */
  wrkCpu?: number;
  /** The ratio to the part underneath, measured in the same run. */
  ratio?: string;
  /** A correctness check or a target, as a short verdict. */
  check?: string;
}

export function recordResults(bench: string, rows: ResultRow[]): void {
  const dir = process.env.BENCH_RESULTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${bench}.json`), JSON.stringify(rows, null, 2));
}
