/**
 * `kit.marketplace.payouts`: a tool creator asks to be paid part or all of their available earnings
 * (held at once; never more than earned, even with concurrent requests); admins approve, reject with a
 * reason (the points return) or mark paid.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { payoutRequestSchema, type PayoutRequestInput } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import type { Database, Enums, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, type RpcErrorCodes, withCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import { idempotencyKey, keyed, pageOf } from './postgrest.ts';
import { paged, type PageRequest, type Page, type PageQuery, toPage } from './pages.ts';
import { parseInput } from './validation.ts';

export type { PayoutRequestInput };

export type Payout = Tables<'payouts'>;
export type PayoutStatus = Enums<'payout_status'>;
export type PayoutDecision = 'approve' | 'reject' | 'mark_paid';

export interface PayoutQuery extends PageQuery {
  status?: PayoutStatus;
}

export class PayoutsClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Tool creators: requests a payout of `amount` points of their settled earnings not yet paid out,
   * spent or reversed (`payout_exceeds_available` when it is more; purchased, credited and voucher
   * points are never paid out, and open points debts are collected from earnings first — see
   * `revenue.stats()`'s `points_available`). Retrying with the same `idempotencyKey` returns the first request.
   *
   * @example
   * const { data, error } = await kit.marketplace.payouts.request({ amount: 500 });
   * if (error?.code === 'payout_exceeds_available') console.log(error.message);
   */
  request(input: PayoutRequestInput, options: MutationOptions = {}): Promise<Result<Payout, RpcErrorCodes['request_payout']>> {
    return this.#request(input, options).then(withCodes<RpcErrorCodes['request_payout'], Payout>);
  }

  /** The implementation of `request` (its result carries any `SdkError`). */
  async #request(input: PayoutRequestInput, options: MutationOptions = {}): Promise<Result<Payout>> {
    const parsed = parseInput(payoutRequestSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const key = idempotencyKey(options);
    const { data, error, status } = await keyed(this.supabase.rpc('request_payout', { amount: parsed.data.amount, idempotency_key: key }), key, options.signal);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }

  /**
   * Your payouts (admins: all), newest first.
   *
   * @example
   * const { data, error } = await kit.marketplace.payouts.list({ status: 'requested' });
   */
  list(query: PayoutQuery = {}): PageRequest<Payout, never> {
    return paged(query, (q) => this.#listPage(q));
  }

  async #listPage(query: PayoutQuery): Promise<Result<Page<Payout>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const { page, perPage, from, to } = range;
    let request = this.supabase.from('payouts').select('*', { count: 'exact' });
    if (query.status) request = request.eq('status', query.status);
    const { data, error, status, count } = await request.order('seq', { ascending: false }).range(from, to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, page, perPage), error: null };
  }
}
