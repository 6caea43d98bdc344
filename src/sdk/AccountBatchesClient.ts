/**
 * `kit.accounts.batches`: named groups of members created in one call (up to 500), each invited by
 * e-mail to set a password. The answer reports every row — `created`, `already_exists`, `invalid`
 * (with field errors) or `failed` — and a failed row never leaves a half-created user behind.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { MAX_BATCH_SIZE, memberBatchSchema, type BatchRowResult, type BatchRowStatus, type NewMemberInput } from '../../supabase/functions/_shared/schemas/accounts.ts';
import type { AccountContext } from './AccountContext.ts';
import type { Member } from './AccountMembersClient.ts';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, type FunctionErrorCodes, type AccountChoiceErrorCode } from './errors.ts';
import { invokeMutation, type MutationOptions } from './functions.ts';
import { paged, type PageRequest, toPage, type Page, type PageQuery } from './pages.ts';
import { checkIds, parseInput } from './validation.ts';
import { pageOf } from './postgrest.ts';

export type { BatchRowResult, BatchRowStatus, NewMemberInput };
export { MAX_BATCH_SIZE };

/** A `member_batches` row. */
export type MemberBatch = Tables<'member_batches'>;

/** A new batch. */
export interface MemberBatchInput {
  name: string;
  members: NewMemberInput[];
  /** Where the invite links land (an allowed redirect URL); the site URL by default. */
  redirect_to?: string;
  /** Another of your accounts than the current one. */
  account_id?: string;
}

/** What creating a batch answers. */
export interface MemberBatchResult {
  batch: MemberBatch;
  /** One entry per row of the request, in order. */
  results: BatchRowResult[];
  counts: Record<BatchRowStatus, number>;
  /**
   * How the invites go out: `inline` (sent before the answer), or `background` for batches of more
   * than 50 created rows — a job (`job_id`, readable with `kit.jobs.get`) sends them, each at most once.
   */
  invites: { delivery: 'inline' | 'background'; job_id: string | null };
}

export class AccountBatchesClient {
  constructor(
    private readonly supabase: SupabaseClient<Database>,
    private readonly context: AccountContext,
  ) {}

  /**
   * Creates a batch in the current account. More than 500 rows is refused before sending
   * (`validation_failed`); a batch where no row can be created is refused with `nothing_to_create`
   * (the per-row results are in `details.results`); `batch_name_taken` when the name is in use.
   *
   * @example
   * const { data, error } = await kit.accounts.batches.create({
   *   name: 'Spring intake',
   *   members: [{ full_name: 'Ana Silva', email: 'ana@acme.test' }, { full_name: 'Bo Chen', email: 'bo@acme.test', phone: '+14155550123' }],
   * });
   * console.log(data?.counts); // { created: 2, already_exists: 0, invalid: 0, failed: 0 }
   */
  create(input: MemberBatchInput, options?: MutationOptions): Promise<Result<MemberBatchResult, FunctionErrorCodes['account-batches'] | AccountChoiceErrorCode>>;
  async create(input: MemberBatchInput, options: MutationOptions = {}): Promise<Result<MemberBatchResult>> {
    const { account_id: accountId, ...rest } = input;
    const account = await this.context.resolve(accountId);
    if (account.error) return account;
    const parsed = parseInput(memberBatchSchema, { ...rest, account_id: account.data });
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation(this.supabase, 'account-batches', parsed.data, options);
  }

  /**
   * The current account's batches, newest first (owners, admins and members with `manage_members`).
   *
   * @example
   * const { data, error } = await kit.accounts.batches.list();
   * for (const b of data?.items ?? []) console.log(b.name, b.created_count);
   */
  list(query: PageQuery = {}): PageRequest<MemberBatch, AccountChoiceErrorCode> {
    return paged(query, (q) => this.#listPage(q));
  }

  async #listPage(query: PageQuery): Promise<Result<Page<MemberBatch>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const account = await this.context.resolve();
    if (account.error) return account;
    const { data, error, status, count } = await this.supabase
      .from('member_batches')
      .select('*', { count: 'exact' })
      .eq('account_id', account.data)
      .order('seq', { ascending: false })
      .range(range.from, range.to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, range.page, range.perPage), error: null };
  }

  /**
   * The members created in a batch, by name.
   *
   * @example
   * const { data, error } = await kit.accounts.batches.members(batchId, { page: 1, per_page: 100 });
   */
  members(batchId: string, query: PageQuery = {}): PageRequest<Member, AccountChoiceErrorCode> {
    return paged(query, (q) => this.#membersPage(batchId, q));
  }

  async #membersPage(batchId: string, query: PageQuery): Promise<Result<Page<Member>>> {
    const invalidId = checkIds({ batch_id: batchId });
    if (invalidId) return { data: null, error: invalidId };
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const account = await this.context.resolve();
    if (account.error) return account;
    const { data, error, status, count } = await this.supabase
      .from('account_members')
      .select('*', { count: 'exact' })
      .eq('account_id', account.data)
      .eq('batch_id', batchId)
      .order('full_name')
      .order('user_id')
      .range(range.from, range.to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, range.page, range.perPage), error: null };
  }
}
