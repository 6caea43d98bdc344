/**
 * `kit.marketplace.revenue`: a tool creator's revenue — usages, points earned (net of refunds), paid
 * out, pending, available (earned minus paid out and held), per tool and per day over a date range —
 * read as the signed-in creator (admins: any creator) or with the creator's API key.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { dateRangeSchema, type DateRangeInput } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type FunctionErrorCodes, type Result, type RpcErrorCodes, withCodes } from './errors.ts';
import { functionsError } from './functions.ts';

import { parseInput } from './validation.ts';

export type { DateRangeInput };

/** A creator's revenue stats. */
export interface RevenueStats {
  creator_id: string;
  /** The range of `in_range`, `per_tool` and `per_day`: UTC dates, both included. */
  from: string;
  to: string;
  totals: {
    usages: number;
    refunded_usages: number;
    /** The creator's shares of usages that were not refunded. */
    points_earned: number;
    points_paid_out: number;
    /** Held by payout requests not yet paid or rejected. */
    points_pending_payout: number;
    /** What a payout request can take now. */
    points_available: number;
  };
  in_range: { usages: number; points_earned: number };
  per_tool: { tool_id: string; name: string; usages: number; points_earned: number }[];
  per_day: { day: string; usages: number; points_earned: number }[];
}

/** `from`/`to` as `YYYY-MM-DD` (default: the last 30 days); admins may name a `creator_id`. */
export interface RevenueQuery extends DateRangeInput {
  creator_id?: string;
}

/** What `statsWithApiKey` sends: the range and the creator's API key (sent as `x-api-key`, never in the URL). */
export interface RevenueApiKeyQuery extends DateRangeInput {
  api_key: string;
}

/** The codes `stats` can answer besides the common ones. */
export type RevenueStatsErrorCode = RpcErrorCodes['revenue_stats'];

/** The codes `statsWithApiKey` can answer besides the common ones. */
export type RevenueStatsWithApiKeyErrorCode = FunctionErrorCodes['creator-api'];

export class RevenueClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * The signed-in creator's revenue (admins: `creator_id`'s).
   *
   * @example
   * const { data, error } = await kit.marketplace.revenue.stats({ from: '2026-11-01', to: '2026-11-30' });
   * console.log(`${data?.totals.points_available} points available for payout`);
   */
  stats(query: RevenueQuery = {}): Promise<Result<RevenueStats, RevenueStatsErrorCode>> {
    return this.#stats(query).then(withCodes<RevenueStatsErrorCode, RevenueStats>);
  }

  /** The implementation of `stats` (its result carries any `SdkError`). */
  async #stats(query: RevenueQuery): Promise<Result<RevenueStats>> {
    const { creator_id, ...range } = query;
    const parsed = parseInput(dateRangeSchema, range);
    if (parsed.error) return { data: null, error: parsed.error };
    const { data, error, status } = await this.supabase.rpc('revenue_stats', {
      ...(parsed.data.from ? { from_date: parsed.data.from } : {}),
      ...(parsed.data.to ? { to_date: parsed.data.to } : {}),
      ...(creator_id ? { creator_id } : {}),
    });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as unknown as RevenueStats, error: null };
  }

  /**
   * For a creator's backend: the key owner's revenue, with an API key (`query.api_key`, sent as
   * `x-api-key`) instead of a session. `invalid_api_key`, `api_key_revoked`, `api_key_expired` for a
   * key that does not work.
   *
   * @example
   * const { data, error } = await kit.marketplace.revenue.statsWithApiKey({ api_key: process.env.MARKETPLACE_API_KEY!, from: '2026-11-01' });
   * if (error?.code === 'api_key_expired') console.log('create a new key');
   */
  statsWithApiKey(query: RevenueApiKeyQuery): Promise<Result<RevenueStats, RevenueStatsWithApiKeyErrorCode>> {
    return this.#statsWithApiKey(query).then(withCodes<RevenueStatsWithApiKeyErrorCode, RevenueStats>);
  }

  /** The implementation of `statsWithApiKey` (its result carries any `SdkError`). */
  async #statsWithApiKey(query: RevenueApiKeyQuery): Promise<Result<RevenueStats>> {
    const { api_key: apiKey, ...range } = (query as Partial<RevenueApiKeyQuery> | undefined) ?? {};
    const parsed = parseInput(dateRangeSchema, range);
    if (parsed.error) return { data: null, error: parsed.error };
    const search = new URLSearchParams(Object.entries(parsed.data).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    // supabase-js types a failure's error as any.
    const response: { data: RevenueStats | null; error: unknown } = await this.supabase.functions.invoke<RevenueStats>(`creator-api/stats${search.size ? `?${search}` : ''}`, {
      method: 'GET',
      headers: { 'x-api-key': apiKey ?? '' },
    });
    const { data, error } = response;
    if (error) return { data: null, error: await functionsError(error) };
    return { data: data!, error: null };
  }
}
