/**
 * `/functions/v1/creator-api`: machine access for a tool creator's backend, authenticated by an API
 * key in the `x-api-key` header (no user session; verify_jwt is off). A key can do two things, both
 * read-only and both limited to its creator's own data:
 * - `GET /creator-api/usages/<usage id>` → the usage, if it is a usage of one of the creator's tools
 *   (`status` says whether it was refunded); 404 `usage_not_found` otherwise, whoever's it is;
 * - `GET /creator-api/stats?from=YYYY-MM-DD&to=YYYY-MM-DD` → the creator's revenue stats.
 * Anything else is 404. A missing, malformed or tampered key is 401 `invalid_api_key`; revoked or
 * expired keys are 401 `api_key_revoked` / `api_key_expired`. 300 requests a minute per key (429).
 */
import { preflight } from '../_shared/cors.ts';
import { database } from '../_shared/database.ts';
import { errorResponse, HttpError, json } from '../_shared/errors.ts';
import { allowMethods } from '../_shared/request.ts';
import { dateRangeSchema, idSchema } from '../_shared/schemas/marketplace.ts';
import { validate } from '../_shared/schemas/identity.ts';
import { sqlCall } from '../_shared/sql-errors.ts';

/** What the function needs from the database, replaceable in tests. */
export interface CreatorApiDeps {
  verifyUsage(apiKey: string, usageId: string): Promise<unknown>;
  revenueStats(apiKey: string, from: string | null, to: string | null): Promise<unknown>;
  /** Counts one request for the key; false when its budget for the minute is spent. */
  takeRateLimit(keyPrefix: string): Promise<boolean>;
}

export const REQUESTS_PER_MINUTE = 300;

export const databaseDeps: CreatorApiDeps = {
  async verifyUsage(apiKey, usageId) {
    const [row] = await sqlCall(() => database()<{ usage: unknown }[]>`select private.verify_usage_with_api_key(${apiKey}, ${usageId}) as usage`);
    return row!.usage;
  },
  async revenueStats(apiKey, from, to) {
    const [row] = await sqlCall(() => database()<{ stats: unknown }[]>`select private.revenue_stats_with_api_key(${apiKey}, ${from}::date, ${to}::date) as stats`);
    return row!.stats;
  },
  async takeRateLimit(keyPrefix) {
    const [row] = await database()<{ allowed: boolean }[]>`
      select private.take_rate_limit('creator-api', ${keyPrefix}, ${REQUESTS_PER_MINUTE}, interval '1 minute') as allowed`;
    return row!.allowed;
  },
};

const KEY_SHAPE = /^mk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;

function apiKey(request: Request): string {
  const key = request.headers.get('x-api-key');
  if (!key || !KEY_SHAPE.test(key)) throw new HttpError('invalid_api_key', 'Send a valid API key in the x-api-key header');
  return key;
}

/** Builds the handler; tests pass their own dependencies. */
export function creatorApiHandler(deps: CreatorApiDeps = databaseDeps) {
  return async (request: Request): Promise<Response> => {
    if (request.method === 'OPTIONS') return preflight();
    try {
      allowMethods(request, 'GET');
      const url = new URL(request.url);
      const segments = url.pathname.split('/').filter(Boolean);
      // The functions server strips /functions/v1; hosted Supabase passes /creator-api/… too.
      const at = segments.indexOf('creator-api');
      const route = at >= 0 ? segments.slice(at + 1) : segments;
      const key = apiKey(request);
      if (!(await deps.takeRateLimit(key.slice(0, 15)))) {
        throw new HttpError('rate_limited', `At most ${REQUESTS_PER_MINUTE} requests a minute per API key`, undefined, { 'Retry-After': '60' });
      }

      if (route.length === 2 && route[0] === 'usages') {
        const id = idSchema.safeParse(route[1]);
        if (!id.success) throw new HttpError('usage_not_found', 'No usage of your tools has this id');
        return json(await deps.verifyUsage(key, id.data));
      }
      if (route.length === 1 && route[0] === 'stats') {
        const range = validate(dateRangeSchema, Object.fromEntries(url.searchParams));
        if (!range.success) throw new HttpError('validation_failed', 'The range is not valid', range.details);
        return json(await deps.revenueStats(key, range.data.from ?? null, range.data.to ?? null));
      }
      throw new HttpError('not_found', 'An API key can GET /creator-api/usages/<id> and /creator-api/stats, nothing else');
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export const handleCreatorApi = creatorApiHandler();
