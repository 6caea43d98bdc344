/**
 * Fixed-window rate limits kept in the database (private.take_rate_limit), so they hold across function
 * workers and restarts. Exceeding one answers 429 `rate_limited` with `Retry-After`.
 */
import { database } from './database.ts';
import { HttpError } from './errors.ts';

/** A limit: at most `max` requests per `windowSeconds`; both overridable by environment variables. */
export interface Limit {
  bucket: string;
  max: number;
  windowSeconds: number;
}

/** A limit whose numbers may be overridden with `<PREFIX>_MAX` / `<PREFIX>_WINDOW_SECONDS`. */
export function limitFromEnv(bucket: string, prefix: string, max: number, windowSeconds: number): Limit {
  const read = (name: string, fallback: number) => {
    const value = Number(Deno.env.get(name));
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  return { bucket, max: read(`${prefix}_MAX`, max), windowSeconds: read(`${prefix}_WINDOW_SECONDS`, windowSeconds) };
}

/** Counts one request for `key`; 429 when over the limit. */
export async function enforceRateLimit(limit: Limit, key: string): Promise<void> {
  const [row] = await database()<{ allowed: boolean }[]>`
    select private.take_rate_limit(${limit.bucket}, ${key}, ${limit.max}, make_interval(secs => ${limit.windowSeconds})) as allowed`;
  if (!row?.allowed) {
    throw new HttpError('rate_limited', 'Too many requests; try again later', undefined, { 'Retry-After': String(limit.windowSeconds) });
  }
}
