/**
 * One CRM table of the current account as a resource: `list` (filters, sort, pages of 50 with an
 * exact total), `get`, `create`, `update`, `remove`. Everything goes through PostgREST, so row-level
 * security decides what the caller sees and may change (a member without `view_all_clients` sees
 * only "my clients"); inputs are checked with the zod schemas first. The account is the current one
 * (`kit.accounts.use`) unless `account_id` is given.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { z } from 'zod';
import { crmRangeSchema } from '../../supabase/functions/_shared/schemas/crm.ts';
import type { AccountContext } from './AccountContext.ts';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, SdkApiError, SdkValidationError, type TableWriteErrorCodes, withCodes, type AccountChoiceErrorCode } from './errors.ts';
import { paged, type PageRequest, pageRange, toPage, type Page, type PageQuery } from './pages.ts';
import { currentUserId } from './session.ts';
import type { MutationOptions } from './functions.ts';
import { badKey, keyedBy, removal, replayedId } from './postgrest.ts';
import { checkIds, parseInput } from './validation.ts';

/** The account-scoped CRM tables. */
export type CrmTable = 'crm_clients' | 'crm_packages' | 'crm_client_packages' | 'crm_payments' | 'crm_instalments' | 'crm_stripe_customers';

/** The subset of PostgREST's filter builder the filters use (kept loose: the table varies). */
export interface FilterQuery {
  eq(column: string, value: unknown): FilterQuery;
  in(column: string, values: readonly unknown[]): FilterQuery;
  ilike(column: string, pattern: string): FilterQuery;
  gte(column: string, value: unknown): FilterQuery;
  lte(column: string, value: unknown): FilterQuery;
  lt(column: string, value: unknown): FilterQuery;
  or(filters: string): FilterQuery;
}

/** How one table is listed, created and changed. */
export interface ResourceSpec<N extends CrmTable, Filters, Create, Update> {
  table: N;
  /** What a row is called in messages ("client"). */
  noun: string;
  createSchema: z.ZodType<unknown, Create>;
  updateSchema: z.ZodType<unknown, Update>;
  /** Sort keys: their columns, in order; `id` always breaks ties. */
  sorts: Record<string, [column: string, ascending: boolean][]>;
  defaultSort: string;
  /** Applies the filters; `me` is the caller's user id (for "assigned to me"). */
  filter: (query: FilterQuery, filters: Filters, me: string) => FilterQuery;
  /** Whether a filter needs the caller's id. */
  needsMe?: (filters: Filters) => boolean;
}

/** List options: filters, a sort key and a page. */
export type ListQuery<Filters, Sort extends string> = Filters & PageQuery & { sort?: Sort; account_id?: string };

type Row<N extends CrmTable> = Tables<N>;

/**
 * The codes a CRM write can answer besides the common ones: the table's triggers' (assignees from
 * another account, idempotency keys) and choosing the account (`no_account`, `account_not_chosen`,
 * `account_not_usable`).
 */
export type CrmWriteErrorCode<N extends CrmTable> =
  | (N extends keyof TableWriteErrorCodes ? Exclude<TableWriteErrorCodes[N], 'idempotent_replay'> : never)
  | 'no_account'
  | 'account_not_chosen'
  | 'account_not_usable';

/** The codes the table's triggers can raise on an update or a delete. */
export type CrmTableWriteErrorCode<N extends CrmTable> = N extends keyof TableWriteErrorCodes ? Exclude<TableWriteErrorCodes[N], 'idempotent_replay'> : never;

const invalid = (fieldErrors: Record<string, string[]>) => new SdkValidationError('Some fields are not valid', { fieldErrors, formErrors: [] });

export class CrmResource<N extends CrmTable, Filters extends object, Create extends object, Update extends object, Sort extends string> {
  /** The untyped client: the table name is a type parameter here, the rows are typed on the way out. */
  private readonly client: SupabaseClient;

  constructor(
    supabase: SupabaseClient<Database>,
    private readonly context: AccountContext,
    private readonly spec: ResourceSpec<N, Filters, Create, Update>,
  ) {
    this.client = supabase;
  }

  /**
   * A page of rows of the current account (`page` 1, 50 per page by default) with the exact total,
   * filtered and sorted.
   *
   * @example
   * const { data, error } = await kit.crm.clients.list({ status: ['active', 'onboarding'], search: 'ana', sort: 'name', page: 2 });
   * console.log(`${data?.total} clients, page ${data?.page} of ${data?.page_count}`);
   */
  list(query: ListQuery<Filters, Sort> = {} as ListQuery<Filters, Sort>): PageRequest<Row<N>, AccountChoiceErrorCode> {
    return paged(query, (q) => this.#listPage(q));
  }

  async #listPage(query: ListQuery<Filters, Sort>): Promise<Result<Page<Row<N>>>> {
    const { page, per_page, sort, account_id, ...filters } = query;
    const range = pageRange({ ...(page !== undefined ? { page } : {}), ...(per_page !== undefined ? { per_page } : {}) });
    if ('error' in range) return { data: null, error: invalid(range.error) };
    const sortKey = sort ?? this.spec.defaultSort;
    const order = Object.hasOwn(this.spec.sorts, sortKey) ? this.spec.sorts[sortKey] : undefined;
    if (!order) return { data: null, error: invalid({ sort: [`Use one of ${Object.keys(this.spec.sorts).join(', ')}`] }) };
    if ('from' in filters || 'to' in filters) {
      const { from, to } = filters as { from?: string; to?: string };
      const checked = parseInput(crmRangeSchema, { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
      if (checked.error) return { data: null, error: checked.error };
    }
    const account = await this.context.resolve(account_id);
    if (account.error) return account;
    let me = '';
    if (this.spec.needsMe?.(filters as Filters)) {
      const user = await currentUserId(this.client as SupabaseClient<Database>);
      if (user.error) return { data: null, error: user.error };
      me = user.id;
    }
    let request = this.client.from(this.spec.table).select('*', { count: 'exact' }).eq('account_id', account.data);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- without it tsc compares the builder's type to FilterQuery structurally and gives up (TS2589)
    request = this.spec.filter(request as unknown as FilterQuery, filters as Filters, me) as unknown as typeof request;
    for (const [column, ascending] of order) request = request.order(column, { ascending });
    const { data, error, status, count } = await request.order('seq', { ascending: order.at(-1)?.[1] ?? true }).range(range.from, range.to);
    if (error) {
      // Past the last page PostgREST answers 416: an empty page is the useful answer.
      if (status === 416) return { data: toPage([], count, range.page, range.perPage), error: null };
      return { data: null, error: errorFromPostgrest(error, status) };
    }
    return { data: toPage(data as Row<N>[], count, range.page, range.perPage), error: null };
  }

  /**
   * One row by id (`not_found` when it does not exist or you may not see it).
   *
   * @example
   * const { data, error } = await kit.crm.clients.get(clientId);
   */
  get(id: string): Promise<Result<Row<N>, never>>;
  async get(id: string): Promise<Result<Row<N>>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return { data: null, error: invalidId };
    const { data, error, status } = await this.client.from(this.spec.table).select('*').eq('id', id).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError(`No ${this.spec.noun} you may see has this id`, 'not_found', 404) };
    return { data: data, error: null };
  }

  /**
   * Creates a row in the current account (or `account_id`). `forbidden` without the permission;
   * `validation_failed` with field details for bad input. Idempotent: the request carries an
   * `Idempotency-Key` (`options.idempotencyKey`, generated when absent) that the database claims with
   * the row, so a retry after a lost answer — automatic on network failures, or yours with the same
   * key — answers the row created the first time instead of creating another; the same key with other
   * fields is `idempotency_key_reused`.
   *
   * @example
   * const { data, error } = await kit.crm.clients.create({ first_name: 'Ana', last_name: 'Silva', email: 'ana@client.test', coach_id: coachUserId });
   * // A payment recorded at most once, however often the call is retried with this key:
   * await kit.crm.payments.create({ client_id: clientId, amount: 49900, currency: 'usd' }, { idempotencyKey: `invoice-${invoiceId}` });
   */
  create(input: Create & { account_id?: string }, options: MutationOptions = {}): Promise<Result<Row<N>, CrmWriteErrorCode<N>>> {
    return this.#create(input, options).then(withCodes<CrmWriteErrorCode<N>, Row<N>>);
  }

  /** The implementation of `create` (its result carries any `SdkError`). */
  async #create(input: Create & { account_id?: string }, options: MutationOptions = {}): Promise<Result<Row<N>>> {
    const { account_id, ...fields } = input;
    const parsed = parseInput(this.spec.createSchema, fields);
    if (parsed.error) return { data: null, error: parsed.error };
    const invalidKey = badKey(options);
    if (invalidKey) return { data: null, error: invalidKey };
    const account = await this.context.resolve(account_id);
    if (account.error) return account;
    const { data, error, status } = await keyedBy(
      this.client
        .from(this.spec.table)
        .insert({ ...(parsed.data as object), account_id: account.data })
        .select('*'),
      options,
    ).single();
    if (error) {
      const failure = errorFromPostgrest(error, status);
      const replayed = replayedId(failure);
      return replayed ? this.get(replayed) : { data: null, error: failure };
    }
    return { data: data, error: null };
  }

  /**
   * Changes fields of a row. `not_found` when it does not exist or you may not change it. Idempotent:
   * a retry with the call's `Idempotency-Key` (generated when absent) writes nothing again and answers
   * the row as it stands; the key with other changes is `idempotency_key_reused`.
   *
   * @example
   * const { data, error } = await kit.crm.clients.update(clientId, { status: 'paused' });
   */
  update(id: string, changes: Update, options?: MutationOptions): Promise<Result<Row<N>, CrmTableWriteErrorCode<N>>>;
  async update(id: string, changes: Update, options?: MutationOptions): Promise<Result<Row<N>>> {
    const invalid = checkIds({ id: id }) ?? badKey(options);
    if (invalid) return { data: null, error: invalid };
    const parsed = parseInput(this.spec.updateSchema, changes);
    if (parsed.error) return { data: null, error: parsed.error };
    const { data, error, status } = await keyedBy(
      this.client
        .from(this.spec.table)
        .update(parsed.data as object)
        .eq('id', id)
        .select('*'),
      options,
    ).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError(`No ${this.spec.noun} you may change has this id`, 'not_found', 404) };
    return { data: data, error: null };
  }

  /**
   * Deletes a row. `not_found` when it does not exist or you may not delete it; `forbidden` when the
   * delete would cascade into payment records (payments, instalments, Stripe links) or client
   * packages you may not manage — deactivate the client (status `cancelled`) instead. Idempotent: a
   * retry with the call's `Idempotency-Key` after the row is gone answers `{ id }` again.
   *
   * @example
   * const { error } = await kit.crm.clients.remove(clientId);
   */
  remove(id: string, options?: MutationOptions): Promise<Result<{ id: string }, CrmTableWriteErrorCode<N>>>;
  async remove(id: string, options?: MutationOptions): Promise<Result<{ id: string }>> {
    const invalid = checkIds({ id: id }) ?? badKey(options);
    if (invalid) return { data: null, error: invalid };
    return removal(id, this.spec.noun, await keyedBy(this.client.from(this.spec.table).delete().eq('id', id).select('id'), options));
  }
}
