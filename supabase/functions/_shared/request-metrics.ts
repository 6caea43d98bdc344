/**
 * Request counts and latency histograms of Edge Functions, kept in memory per worker and rendered by
 * the `metrics` function. Every function wraps its handler in its index.ts: `Deno.serve(instrument('name', handler))`.
 * On the local stack all functions share one process, so one scrape sees them all; on hosted Supabase
 * each function's isolate counts its own requests.
 */

/** Upper bounds of the latency buckets, in seconds (Prometheus' defaults). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** One Prometheus sample: `family` groups HELP/TYPE, `name` is the sample's own name (e.g. `_bucket`). */
export interface Sample {
  family: string;
  name: string;
  kind: string;
  help: string;
  labels: Record<string, string>;
  value: number;
}

interface Series {
  count: number;
  sum: number;
  buckets: number[];
}

const requests = new Map<string, number>();
const latencies = new Map<string, Series>();

/** Records one answered request. */
export function recordRequest(fn: string, status: number, seconds: number): void {
  const key = `${fn}\u0000${status}`;
  requests.set(key, (requests.get(key) ?? 0) + 1);
  const series = latencies.get(fn) ?? { count: 0, sum: 0, buckets: LATENCY_BUCKETS.map(() => 0) };
  series.count += 1;
  series.sum += seconds;
  LATENCY_BUCKETS.forEach((bound, index) => {
    if (seconds <= bound) series.buckets[index]! += 1;
  });
  latencies.set(fn, series);
}

/** Wraps a handler so that every request it answers is counted and timed. */
export function instrument(fn: string, handler: (request: Request) => Response | Promise<Response>): (request: Request) => Promise<Response> {
  return async (request) => {
    const started = performance.now();
    let status = 500;
    try {
      const response = await handler(request);
      status = response.status;
      // A request refused before its body was read (no token, wrong method…) still has it in flight:
      // read it to the end so the connection is not reset under a client (or gateway) still sending.
      if (request.body && !request.bodyUsed) await request.arrayBuffer().catch(() => undefined);
      return response;
    } finally {
      recordRequest(fn, status, (performance.now() - started) / 1000);
    }
  };
}

/** The request metrics as Prometheus samples. */
export function requestSamples(): Sample[] {
  const samples: Sample[] = [];
  for (const [key, value] of requests) {
    const [fn, status] = key.split('\u0000') as [string, string];
    samples.push({
      family: 'kit_function_requests_total',
      name: 'kit_function_requests_total',
      kind: 'counter',
      help: 'Edge Function requests answered, by function and status.',
      labels: { function: fn, status },
      value,
    });
  }
  const family = 'kit_function_request_duration_seconds';
  const help = 'Edge Function request latency in seconds.';
  for (const [fn, series] of latencies) {
    LATENCY_BUCKETS.forEach((bound, index) => {
      samples.push({ family, name: `${family}_bucket`, kind: 'histogram', help, labels: { function: fn, le: String(bound) }, value: series.buckets[index]! });
    });
    samples.push({ family, name: `${family}_bucket`, kind: 'histogram', help, labels: { function: fn, le: '+Inf' }, value: series.count });
    samples.push({ family, name: `${family}_sum`, kind: 'histogram', help, labels: { function: fn }, value: series.sum });
    samples.push({ family, name: `${family}_count`, kind: 'histogram', help, labels: { function: fn }, value: series.count });
  }
  return samples;
}
