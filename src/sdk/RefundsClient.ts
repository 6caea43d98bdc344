/**
 * `kit.marketplace.refunds`: a client asks for one of their usages to be refunded, with a reason; an
 * admin approves (the points go back and the creator's share is reversed, in one transaction) or
 * rejects with a note.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { refundRequestSchema, type RefundRequestInput } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import type { Database, Enums, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, type RpcErrorCodes, withCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import { idempotencyKey, keyed, pageOf } from './postgrest.ts';
import { paged, type PageRequest, type Page, type PageQuery, toPage } from './pages.ts';
import { parseInput } from './validation.ts';

export type { RefundRequestInput };

export type Refund = Tables<'refunds'>;
export type RefundStatus = Enums<'refund_status'>;

export interface RefundQuery extends PageQuery {
  status?: RefundStatus;
}

export class RefundsClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Asks for a refund of one of your usages (`usage_not_found` for anyone else's). Retrying with the
   * same `idempotencyKey` returns the first request.
   *
   * @example
   * const { data, error } = await kit.marketplace.refunds.request({ usage_id: usageId, reason: 'The result was empty' });
   */
  request(input: RefundRequestInput, options: MutationOptions = {}): Promise<Result<Refund, RpcErrorCodes['request_refund']>> {
    return this.#request(input, options).then(withCodes<RpcErrorCodes['request_refund'], Refund>);
  }

  /** The implementation of `request` (its result carries any `SdkError`). */
  async #request(input: RefundRequestInput, options: MutationOptions = {}): Promise<Result<Refund>> {
    const parsed = parseInput(refundRequestSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const key = idempotencyKey(options);
    const { data, error, status } = await keyed(
      this.supabase.rpc('request_refund', { usage_id: parsed.data.usage_id, reason: parsed.data.reason, idempotency_key: key }),
      key,
      options.signal,
    );
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }

  /**
   * Refunds you may see (yours; your tools' as a creator; all for admins), newest first.
   *
   * @example
   * const { data, error } = await kit.marketplace.refunds.list({ status: 'requested' });
   */
  list(query: RefundQuery = {}): PageRequest<Refund, never> {
    return paged(query, (q) => this.#listPage(q));
  }

  async #listPage(query: RefundQuery): Promise<Result<Page<Refund>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const { page, perPage, from, to } = range;
    let request = this.supabase.from('refunds').select('*', { count: 'exact' });
    if (query.status) request = request.eq('status', query.status);
    const { data, error, status, count } = await request.order('seq', { ascending: false }).range(from, to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, page, perPage), error: null };
  }
}
