/**
 * Which business account the `accounts.members`, `accounts.batches` and `crm` calls act in: the
 * account chosen with `kit.accounts.use(id)`, or — when none was chosen — the caller's only usable
 * account. Forgotten when the signed-in user changes or signs out, so one client never carries one
 * user's account into another user's session.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { checkIds } from './validation.ts';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result, SdkApiError } from './errors.ts';

/** One of the caller's accounts, as `my_accounts()` ("who am I here") answers it. */
export type MyAccount = Database['public']['Functions']['my_accounts']['Returns'][number];

export class AccountContext {
  private chosen: { account: MyAccount; userId: string } | null = null;

  constructor(private readonly supabase: SupabaseClient<Database>) {
    supabase.auth.onAuthStateChange((_event, session) => {
      if (this.chosen && session?.user.id !== this.chosen.userId) this.chosen = null;
    });
  }

  /** The chosen account, if any (no request is made). */
  get current(): MyAccount | null {
    return this.chosen?.account ?? null;
  }

  /** The caller's accounts, usable ones first. */
  async list(): Promise<Result<MyAccount[]>> {
    const { data, error, status } = await this.supabase.rpc('my_accounts');
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }

  /** Chooses `accountId` for the calls that follow; it must be one of the caller's usable accounts. */
  async use(accountId: string): Promise<Result<MyAccount>> {
    const invalidId = checkIds({ account_id: accountId });
    if (invalidId) return { data: null, error: invalidId };
    const [accounts, session] = await Promise.all([this.list(), this.supabase.auth.getSession()]);
    if (accounts.error) return accounts;
    const account = accounts.data.find((a) => a.account_id === accountId);
    if (!account) return { data: null, error: new SdkApiError('You are not a member of this account', 'not_found', 404) };
    if (!account.usable) {
      const why = account.is_active ? `the account is ${account.status}` : 'your membership is deactivated';
      return { data: null, error: new SdkApiError(`This account cannot be used: ${why}`, 'account_not_usable', 403, { status: account.status, is_active: account.is_active }) };
    }
    this.chosen = { account, userId: session.data.session?.user.id ?? '' };
    return { data: account, error: null };
  }

  /** Forgets the chosen account. */
  clear(): void {
    this.chosen = null;
  }

  /**
   * The account to act in: `accountId` when given, else the chosen one, else the caller's only usable
   * account (then chosen). `no_account` when the caller has none; `account_not_chosen` when several.
   */
  async resolve(accountId?: string): Promise<Result<string>> {
    const invalidId = accountId !== undefined ? checkIds({ account_id: accountId }) : null;
    if (invalidId) return { data: null, error: invalidId };
    if (accountId) return { data: accountId, error: null };
    if (this.chosen) return { data: this.chosen.account.account_id, error: null };
    const accounts = await this.list();
    if (accounts.error) return accounts;
    const usable = accounts.data.filter((a) => a.usable);
    if (usable.length === 0) {
      return { data: null, error: new SdkApiError('You have no usable business account (none, or pending, rejected, suspended)', 'no_account', 403) };
    }
    if (usable.length > 1) {
      return {
        data: null,
        error: new SdkApiError('You belong to several accounts: choose one with kit.accounts.use(accountId)', 'account_not_chosen', 400, {
          accounts: usable.map((a) => ({ account_id: a.account_id, name: a.name })),
        }),
      };
    }
    return this.use(usable[0]!.account_id).then((r) => (r.error ? r : { data: r.data.account_id, error: null }));
  }
}
