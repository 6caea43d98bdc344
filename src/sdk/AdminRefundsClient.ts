/**
 * `kit.admin.refunds`: the platform admins' decisions about refund requests (SQL function
 * `decide_refund`, admin-checked): approve (points back to the client, the creator's share reversed)
 * or reject (a note is required).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result, type RpcErrorCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import type { Refund } from './RefundsClient.ts';
import { checkIds, invalidField } from './validation.ts';

export class AdminRefundsClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Approves a refund request.
   *
   * @example
   * const { data, error } = await kit.admin.refunds.approve(refundId);
   * if (error?.code === 'creator_balance_insufficient') console.log('the creator was paid out already');
   */
  approve(id: string, input?: { note?: string }, options?: MutationOptions): Promise<Result<Refund, RpcErrorCodes['decide_refund']>>;
  approve(id: string, input: { note?: string } = {}, options: MutationOptions = {}): Promise<Result<Refund>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    return this.#decide(id, 'approve', input.note, options);
  }

  /**
   * Rejects a refund request with a note the client reads.
   *
   * @example
   * const { data, error } = await kit.admin.refunds.reject(refundId, { note: 'The tool worked as described' });
   */
  reject(id: string, input: { note: string } | undefined, options?: MutationOptions): Promise<Result<Refund, RpcErrorCodes['decide_refund']>>;
  reject(id: string, input: { note: string } | undefined, options: MutationOptions = {}): Promise<Result<Refund>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    // JavaScript callers may leave the note out.
    const note = input?.note;
    if (!note?.trim()) return Promise.resolve({ data: null, error: invalidField('note', 'A note is required to reject') });
    return this.#decide(id, 'reject', note, options);
  }

  async #decide(id: string, decision: 'approve' | 'reject', note: string | undefined, options: MutationOptions): Promise<Result<Refund>> {
    const bad = checkIds({ id });
    if (bad) return { data: null, error: bad };
    let request = this.supabase.rpc('decide_refund', { refund_id: id, decision, ...(note ? { note } : {}) });
    if (options.signal) request = request.abortSignal(options.signal);
    const { data, error, status } = await request;
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }
}
