/**
 * `kit.wallet`: the signed-in user's points — balance and history (filtered by kind and date, in pages)
 * — and, for admins, adding or deducting points with a reason. Balances change only inside the
 * database (one SQL function per change, an append-only ledger); nothing here writes a balance.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { AdjustPointsInput } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import type { Database, Enums, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, SdkApiError, type RpcErrorCodes } from './errors.ts';
import { pageOf } from './postgrest.ts';
import { paged, type PageRequest, type Page, type PageQuery, toPage } from './pages.ts';

export type { AdjustPointsInput };

/** Why a balance changed: purchase, spend, refund, admin_adjustment, voucher, earning, payout. */
export type WalletEntryKind = Enums<'wallet_entry_kind'>;

/** One ledger entry: signed amount, kind, balance after it, what caused it, who, when. */
export type WalletEntry = Tables<'wallet_ledger'>;

/** A wallet: whole points, never negative. */
export interface Wallet {
  user_id: string;
  balance: number;
  /** When the balance last changed; null before the first entry. */
  updated_at: string | null;
}

/** Filters of `history`: kinds, and created_at within [from, to) (ISO dates or date-times). */
export interface HistoryQuery extends PageQuery {
  kind?: WalletEntryKind | WalletEntryKind[];
  from?: string;
  to?: string;
  /** Admins: another user's history. */
  user_id?: string;
}

export class WalletClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * The signed-in user's balance. For tool creators it first credits pending earnings.
   *
   * @example
   * const { data, error } = await kit.wallet.balance();
   * if (data) console.log(`${data.balance} points`);
   */
  balance(): Promise<Result<Wallet, RpcErrorCodes['get_wallet']>>;
  async balance(): Promise<Result<Wallet>> {
    const { data, error, status } = await this.supabase.rpc('get_wallet').single();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data, error: null };
  }

  /**
   * The history of the signed-in user's wallet (admins: `user_id`'s), newest first in commit order (each
   * entry's `balance_after` follows from the one before it, even under concurrent changes), in pages.
   *
   * @example
   * const { data, error } = await kit.wallet.history({ kind: ['spend', 'refund'], from: '2026-11-01', page: 1, per_page: 20 });
   * for (const entry of data?.items ?? []) console.log(entry.kind, entry.amount, entry.balance_after);
   */
  history(query: HistoryQuery = {}): PageRequest<WalletEntry, never> {
    return paged(query, (q) => this.#historyPage(q));
  }

  async #historyPage(query: HistoryQuery): Promise<Result<Page<WalletEntry>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const { page, perPage, from, to } = range;
    let userId = query.user_id;
    if (!userId) {
      const { data } = await this.supabase.auth.getSession();
      userId = data.session?.user.id;
      if (!userId) return { data: null, error: new SdkApiError('Sign in first: there is no session', 'unauthorized', 401) };
    }
    let request = this.supabase.from('wallet_ledger').select('*', { count: 'exact' }).eq('user_id', userId);
    if (query.kind) request = request.in('kind', Array.isArray(query.kind) ? query.kind : [query.kind]);
    if (query.from) request = request.gte('created_at', query.from);
    if (query.to) request = request.lt('created_at', query.to);
    const { data, error, status, count } = await request.order('id', { ascending: false }).range(from, to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, page, perPage), error: null };
  }
}
