/**
 * `GET /functions/v1/metrics`: the platform's metrics in Prometheus text format — users by role,
 * accounts by status, points in circulation, usages, redemptions, payments by status, webhook events,
 * job queue depth and failures (private.metrics_snapshot()), and request counts and latency
 * histograms of the instrumented functions. Only for the service role, a scraper holding
 * `METRICS_KEY` (header `x-metrics-key`) or a signed-in platform admin (the admin console): 401
 * without credentials, 403 with others (a client's or tool creator's token included).
 */
import { corsHeaders, preflight } from '../_shared/cors.ts';
import { database } from '../_shared/database.ts';
import { errorResponse } from '../_shared/errors.ts';
import { requireOperatorOrAdmin } from '../_shared/operators.ts';
import { instrument, requestSamples, type Sample } from '../_shared/request-metrics.ts';
import { allowMethods } from '../_shared/request.ts';
import { CONTENT_TYPE, renderPrometheus } from './prometheus.ts';

interface SnapshotRow {
  metric: string;
  kind: string;
  help: string;
  labels: Record<string, string>;
  value: number;
}

export async function handleMetrics(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  try {
    allowMethods(request, 'GET');
    await requireOperatorOrAdmin(request, { allowMetricsKey: true, allowPlatformAdmin: true });
    const rows = await database()<SnapshotRow[]>`select metric, kind, help, labels, value from private.metrics_snapshot()`;
    const samples: Sample[] = rows.map((row) => ({ family: row.metric, name: row.metric, kind: row.kind, help: row.help, labels: row.labels, value: Number(row.value) }));
    return new Response(renderPrometheus([...samples, ...requestSamples()]), {
      headers: { ...corsHeaders, 'Content-Type': CONTENT_TYPE, 'Cache-Control': 'no-store' },
    });
  } catch (error) {
    return errorResponse(error);
  }
}

Deno.serve(instrument('metrics', handleMetrics));
