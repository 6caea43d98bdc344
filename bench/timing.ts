/**
 * Timing helpers shared by the Node-driven benchmarks: run tasks with a bounded number in flight,
 * and report their rate and latency percentiles.
 */

/** The value at percentile `p` (0–100) of an ascending list. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface Timed<T> {
  result: T;
  ms: number;
}

/** Runs `tasks` with at most `limit` in flight; returns results with their latencies and the wall time. */
export async function run<T>(tasks: (() => Promise<T>)[], limit: number): Promise<{ results: Timed<T>[]; wallMs: number }> {
  const results = new Array<Timed<T>>(tasks.length);
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

/** Prints one line (label padded to `width`) with the rate, p50 and p99, and returns them. */
export function report(label: string, timed: { results: Timed<unknown>[]; wallMs: number }, width: number): { perSecond: number; p50: number; p99: number } {
  const latencies = timed.results.map((r) => r.ms).sort((a, b) => a - b);
  const perSecond = (timed.results.length / timed.wallMs) * 1000;
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  console.log(`  ${label.padEnd(width)} ${perSecond.toFixed(0).padStart(6)}/s   p50 ${p50.toFixed(1).padStart(7)} ms   p99 ${p99.toFixed(1).padStart(7)} ms`);
  return { perSecond, p50, p99 };
}
