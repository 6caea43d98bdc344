/**
 * `kit.admin.payouts`: the platform admins' decisions about creators' payout requests (SQL function
 * `decide_payout`, admin-checked): approve, reject (the points go back to the creator), mark paid.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result, type RpcErrorCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import type { Payout, PayoutDecision } from './PayoutsClient.ts';
import { checkIds, invalidField } from './validation.ts';

export class AdminPayoutsClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Approves a requested payout.
   *
   * @example
   * const { data, error } = await kit.admin.payouts.approve(payoutId);
   */
  approve(id: string, input?: { reason?: string }, options?: MutationOptions): Promise<Result<Payout, RpcErrorCodes['decide_payout']>>;
  approve(id: string, input: { reason?: string } = {}, options: MutationOptions = {}): Promise<Result<Payout>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    return this.#decide(id, 'approve', input.reason, options);
  }

  /**
   * Rejects a payout with the reason the creator reads; the points go back to their balance.
   *
   * @example
   * const { data, error } = await kit.admin.payouts.reject(payoutId, { reason: 'Bank details missing' });
   */
  reject(id: string, input: { reason: string } | undefined, options?: MutationOptions): Promise<Result<Payout, RpcErrorCodes['decide_payout']>>;
  reject(id: string, input: { reason: string } | undefined, options: MutationOptions = {}): Promise<Result<Payout>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    // JavaScript callers may leave the reason out.
    const reason = input?.reason;
    if (!reason?.trim()) return Promise.resolve({ data: null, error: invalidField('reason', 'A reason is required to reject') });
    return this.#decide(id, 'reject', reason, options);
  }

  /**
   * Marks an approved payout as paid.
   *
   * @example
   * const { data, error } = await kit.admin.payouts.markPaid(payoutId);
   */
  markPaid(id: string, input?: { reason?: string }, options?: MutationOptions): Promise<Result<Payout, RpcErrorCodes['decide_payout']>>;
  markPaid(id: string, input: { reason?: string } = {}, options: MutationOptions = {}): Promise<Result<Payout>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    return this.#decide(id, 'mark_paid', input.reason, options);
  }

  async #decide(id: string, decision: PayoutDecision, reason: string | undefined, options: MutationOptions): Promise<Result<Payout>> {
    const bad = checkIds({ id });
    if (bad) return { data: null, error: bad };
    let request = this.supabase.rpc('decide_payout', { payout_id: id, decision, ...(reason ? { reason } : {}) });
    if (options.signal) request = request.abortSignal(options.signal);
    const { data, error, status } = await request;
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }
}
