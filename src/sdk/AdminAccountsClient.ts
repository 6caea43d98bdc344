/**
 * `kit.admin.accounts`: the platform admins' review of business accounts — the approval queue and the
 * decisions (approve, reject, suspend, reactivate). The owner is e-mailed about each decision. The
 * database and the `accounts-review` function check the caller is an admin; others get `forbidden`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { accountReviewSchema, accountStatuses, type AccountReviewInput, type AccountStatus } from '../../supabase/functions/_shared/schemas/accounts.ts';
import type { Account, ReviewResult } from './AccountsClient.ts';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result, type FunctionErrorCodes } from './errors.ts';
import { invokeMutation, type MutationOptions } from './functions.ts';
import { paged, toPage, type Page, type PageQuery, type PageRequest } from './pages.ts';
import { pageOf } from './postgrest.ts';
import { requireAdmin } from './session.ts';
import { checkIds, checkEnum, parseInput } from './validation.ts';

/** Filters of the approval queue. */
export interface AccountReviewQuery extends PageQuery {
  /** `pending` by default. */
  status?: AccountStatus;
}

export class AdminAccountsClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Accounts by status (`pending` by default), oldest first — the approval queue.
   *
   * @example
   * const { data, error } = await kit.admin.accounts.list({ status: 'pending', page: 1 });
   * for (const account of data?.items ?? []) console.log(account.name, account.contact_email);
   */
  list(query: AccountReviewQuery = {}): PageRequest<Account, never> {
    return paged(query, (q) => this.#listPage(q));
  }

  async #listPage(query: AccountReviewQuery): Promise<Result<Page<Account>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const status = query.status ?? 'pending';
    const bad = checkEnum('status', status, accountStatuses);
    if (bad) return { data: null, error: bad };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const answer = await this.supabase
      .from('accounts')
      .select('*', { count: 'exact' })
      .eq('status', status)
      .order('created_at', { ascending: true })
      .order('id')
      .range(range.from, range.to);
    if (answer.error) return { data: null, error: errorFromPostgrest(answer.error, answer.status) };
    return { data: toPage(answer.data, answer.count, range.page, range.perPage), error: null };
  }

  /**
   * Approves a pending account (pending → active); `invalid_transition` from any other status.
   *
   * @example
   * const { data, error } = await kit.admin.accounts.approve(accountId);
   */
  approve(id: string, input?: { reason?: string }, options?: MutationOptions): Promise<Result<ReviewResult, FunctionErrorCodes['accounts-review']>>;
  approve(id: string, input: { reason?: string } = {}, options: MutationOptions = {}): Promise<Result<ReviewResult>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    return this.#review({ account_id: id, decision: 'approve', ...(input.reason ? { reason: input.reason } : {}) }, options);
  }

  /**
   * Rejects a pending account, with the reason the owner will read.
   *
   * @example
   * const { data, error } = await kit.admin.accounts.reject(accountId, { reason: 'We could not verify the company' });
   */
  reject(id: string, input: { reason: string } | undefined, options?: MutationOptions): Promise<Result<ReviewResult, FunctionErrorCodes['accounts-review']>>;
  reject(id: string, input: { reason: string } | undefined, options: MutationOptions = {}): Promise<Result<ReviewResult>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    return this.#review({ account_id: id, decision: 'reject', reason: input?.reason }, options);
  }

  /**
   * Suspends an active account (its members can use nothing until reactivated).
   *
   * @example
   * const { data, error } = await kit.admin.accounts.suspend(accountId, { reason: 'Unpaid invoices' });
   */
  suspend(id: string, input: { reason: string } | undefined, options?: MutationOptions): Promise<Result<ReviewResult, FunctionErrorCodes['accounts-review']>>;
  suspend(id: string, input: { reason: string } | undefined, options: MutationOptions = {}): Promise<Result<ReviewResult>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    return this.#review({ account_id: id, decision: 'suspend', reason: input?.reason }, options);
  }

  /**
   * Makes a suspended account active again.
   *
   * @example
   * const { data, error } = await kit.admin.accounts.reactivate(accountId);
   */
  reactivate(id: string, input?: { reason?: string }, options?: MutationOptions): Promise<Result<ReviewResult, FunctionErrorCodes['accounts-review']>>;
  reactivate(id: string, input: { reason?: string } = {}, options: MutationOptions = {}): Promise<Result<ReviewResult>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    return this.#review({ account_id: id, decision: 'reactivate', ...(input.reason ? { reason: input.reason } : {}) }, options);
  }

  async #review(input: Partial<AccountReviewInput>, options: MutationOptions): Promise<Result<ReviewResult>> {
    const parsed = parseInput(accountReviewSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation(this.supabase, 'accounts-review', parsed.data, options);
  }
}
