/**
 * `kit.admin.wallet`: the platform admins' view of any user's balance and their points adjustments
 * (SQL function `admin_adjust_points`, admin-checked, idempotent per key).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { adjustPointsSchema, type AdjustPointsInput } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result, type RpcErrorCodes, SdkApiError, withCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import { idempotencyKey, keyed } from './postgrest.ts';
import { requireAdmin } from './session.ts';
import { checkIds, parseInput } from './validation.ts';
import type { Wallet, WalletEntry } from './WalletClient.ts';

export class AdminWalletClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Any user's balance (0 when they never had points).
   *
   * @example
   * const { data, error } = await kit.admin.wallet.balanceOf(userId);
   */
  balanceOf(userId: string): Promise<Result<Wallet, never>>;
  async balanceOf(userId: string): Promise<Result<Wallet>> {
    const bad = checkIds({ user_id: userId });
    if (bad) return { data: null, error: bad };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { data, error, status } = await this.supabase.from('wallets').select('user_id, balance, updated_at').eq('user_id', userId).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data ?? { user_id: userId, balance: 0, updated_at: null }, error: null };
  }

  /**
   * Adds (`amount` > 0) or deducts (`amount` < 0) points with a reason, which shows in the user's
   * history. A deduction never takes a balance below zero (`insufficient_points`). Retrying with the
   * same `idempotencyKey` returns the first entry.
   *
   * @example
   * const { data, error } = await kit.admin.wallet.adjust({ user_id: clientId, amount: 500, reason: 'Welcome bonus' });
   * if (error?.code === 'forbidden') console.log('admins only');
   */
  adjust(input: AdjustPointsInput, options: MutationOptions = {}): Promise<Result<WalletEntry, RpcErrorCodes['admin_adjust_points']>> {
    return this.#adjust(input, options).then(withCodes<RpcErrorCodes['admin_adjust_points'], WalletEntry>);
  }

  /** The implementation of `adjust` (its result carries any `SdkError`). */
  async #adjust(input: AdjustPointsInput, options: MutationOptions = {}): Promise<Result<WalletEntry>> {
    const parsed = parseInput(adjustPointsSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const key = idempotencyKey(options);
    const request = this.supabase.rpc('admin_adjust_points', {
      user_id: parsed.data.user_id,
      amount: parsed.data.amount,
      reason: parsed.data.reason,
      idempotency_key: key,
    });
    // The header makes a network failure retried (retries.ts); the database keys the adjustment itself.
    const { data, error, status } = await keyed(request, key, options.signal);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    // A SQL function's row result may be null, which the generated type does not say.
    const entry = data as WalletEntry | null;
    if (!entry) return { data: null, error: new SdkApiError('The adjustment returned nothing', 'internal_error', 500) };
    return { data: entry, error: null };
  }
}
