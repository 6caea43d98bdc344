/**
 * Who may call the operations functions (job-worker, metrics): the service role — the service-role
 * JWT, which the gateway also sends for a secret `sb_secret_…` key — or, for metrics only, a scraper
 * with the `METRICS_KEY` secret in an `x-metrics-key` header or a signed-in platform admin (the admin
 * console). Key comparisons are constant-time; an admin is checked like every admin-only function
 * (`requireAdmin`: verified access token, live session, active admin in the database).
 */
import { timingSafeEqual } from 'node:crypto';
import { HttpError } from './errors.ts';
import { secretKeys } from './keys.ts';
import { requireAdmin } from './supabase.ts';

function same(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Whether the request carries the service-role key (as bearer token or `apikey`). */
export function isServiceRole(request: Request): boolean {
  const bearer = request.headers.get('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
  const apikey = request.headers.get('apikey');
  const accepted = secretKeys();
  return accepted.some((key) => (bearer !== undefined && same(bearer, key)) || (apikey !== null && same(apikey, key)));
}

/** 401 without credentials, 403 with credentials that are neither the service role nor the metrics key. */
export function requireOperator(request: Request, options: { allowMetricsKey?: boolean } = {}): 'service_role' | 'metrics_key' {
  if (isServiceRole(request)) return 'service_role';
  const metricsKey = Deno.env.get('METRICS_KEY');
  const given = request.headers.get('x-metrics-key');
  if (options.allowMetricsKey && metricsKey && given !== null && same(given, metricsKey)) return 'metrics_key';
  if (!request.headers.get('authorization') && given === null) {
    throw new HttpError('unauthorized', options.allowMetricsKey ? 'Send the service-role key or the metrics key (x-metrics-key)' : 'Send the service-role key');
  }
  throw new HttpError(
    'forbidden',
    options.allowMetricsKey ? 'Only the service role, the metrics key or a platform admin may call this function' : 'Only the service role may call this function',
  );
}

/**
 * `requireOperator`, and with `allowPlatformAdmin` also a signed-in platform admin. Still 401 without
 * credentials; any other credentials — a client's or a tool creator's token, the publishable key, a
 * token that does not verify — get 403, as before.
 */
export async function requireOperatorOrAdmin(
  request: Request,
  options: { allowMetricsKey?: boolean; allowPlatformAdmin?: boolean } = {},
): Promise<'service_role' | 'metrics_key' | 'platform_admin'> {
  let refusal: unknown;
  try {
    return requireOperator(request, options);
  } catch (error) {
    if (!options.allowPlatformAdmin || !(error instanceof HttpError) || error.code !== 'forbidden' || !request.headers.get('authorization')) throw error;
    refusal = error;
  }
  try {
    await requireAdmin(request);
    return 'platform_admin';
  } catch (error) {
    if (error instanceof HttpError && error.code === 'unauthorized') throw refusal;
    throw error;
  }
}
