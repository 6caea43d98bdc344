/**
 * `kit.marketplace.tools`: the catalogue (approved tools: search, category, sort by price, rating or
 * popularity), a creator's own tools (create, edit, submit for review) and the admins' review
 * (approve, reject, suspend, reinstate, edit any). Row-level security decides who sees and edits what.
 * A creator's change of a live (approved or suspended) tool waits for an admin as a revision; the
 * approved values stay in force until then (`revisions`, `reviewRevision`, `withdrawRevision`).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { toolCreateSchema, toolUpdateSchema, type ToolCreateInput, type ToolUpdateInput } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import type { Database, Enums, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, SdkApiError, type TableWriteErrorCodes, type RpcErrorCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import { badKey, keyedBy, pageOf, removal, replayedId } from './postgrest.ts';
import { pagedFromAll, type PageRequest, paged, type Page, type PageQuery, toPage } from './pages.ts';
import { checkEnum, definedFields, checkIds, parseInput } from './validation.ts';

export type { ToolCreateInput, ToolUpdateInput };

/** A tool as the catalogue shows it (everything but the search vector). */
export type Tool = Omit<Tables<'tools'>, 'search'>;
export type ToolStatus = Enums<'tool_status'>;

/** How the catalogue is ordered. */
export type ToolSort = 'newest' | 'price_asc' | 'price_desc' | 'rating' | 'popularity';

/** Catalogue filters: full-text `search` (name, description, category), `category`, `sort`, pages. */
export interface ToolQuery extends PageQuery {
  search?: string;
  category?: string;
  sort?: ToolSort;
}

/** What an admin decides about a tool. */
export type ToolDecision = 'approve' | 'reject' | 'suspend' | 'reinstate';

/** A creator's proposed change of a live tool: the complete proposed values and the admin's decision. */
export type ToolRevision = Tables<'tool_revisions'>;
export type ToolRevisionStatus = Enums<'tool_revision_status'>;

/** What an admin decides about a revision. */
export type ToolRevisionDecision = 'approve' | 'reject';

/** Filters of `revisions`: one tool's, or by status (admins: `status: 'pending'` is the review queue). */
export interface ToolRevisionQuery extends PageQuery {
  tool_id?: string;
  status?: ToolRevisionStatus;
}

/** How the catalogue sorts: columns in order (nulls last), then `id`. */
const TOOL_SORTS: Record<ToolSort, [column: string, ascending: boolean][]> = {
  newest: [['created_at', false]],
  price_asc: [['price_points', true]],
  price_desc: [['price_points', false]],
  rating: [
    ['rating_average', false],
    ['rating_count', false],
  ],
  popularity: [['usage_count', false]],
};

/** The columns of a tool the SDK answers (all but the search vector). */
export const TOOL_COLUMNS =
  'id, creator_id, name, description, category, price_points, creator_share_percent, status, submitted_at, reviewed_by, reviewed_at, review_note, usage_count, rating_count, rating_sum, rating_average, created_at, updated_at';

const notFound = () => new SdkApiError('No tool you may see has this id', 'tool_not_found', 404);

export class ToolsClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Approved tools, for everyone (signed in or not).
   *
   * @example
   * const { data, error } = await kit.marketplace.tools.list({ search: 'summarise', category: 'text', sort: 'rating' });
   * for (const tool of data?.items ?? []) console.log(tool.name, tool.price_points, tool.rating_average);
   */
  list(query: ToolQuery = {}): PageRequest<Tool, never> {
    return paged(query, (q) => this.#listPage(q));
  }

  async #listPage(query: ToolQuery): Promise<Result<Page<Tool>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const { page, perPage, from, to } = range;
    let request = this.supabase.from('tools').select(TOOL_COLUMNS, { count: 'exact' }).eq('status', 'approved');
    if (query.category) request = request.eq('category', query.category);
    if (query.search?.trim()) request = request.textSearch('search', query.search.trim(), { type: 'websearch', config: 'simple' });
    const sort = query.sort ?? 'newest';
    const invalidSort = checkEnum('sort', sort, Object.keys(TOOL_SORTS));
    if (invalidSort) return { data: null, error: invalidSort };
    for (const [column, ascending] of TOOL_SORTS[sort]) request = request.order(column, { ascending, nullsFirst: false });
    const { data, error, status, count } = await request.order('id').range(from, to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data as Tool[], count, page, perPage), error: null };
  }

  /**
   * The signed-in creator's own tools, whatever their status, newest first.
   *
   * @example
   * const { data, error } = await kit.marketplace.tools.mine();
   */
  mine(query: PageQuery = {}): PageRequest<Tool, never> {
    return pagedFromAll(query, () => this.#mineAll());
  }

  async #mineAll(): Promise<Result<Tool[]>> {
    const { data: session } = await this.supabase.auth.getSession();
    const me = session.session?.user.id;
    if (!me) return { data: null, error: new SdkApiError('Sign in first: there is no session', 'unauthorized', 401) };
    const { data, error, status } = await this.supabase.from('tools').select(TOOL_COLUMNS).eq('creator_id', me).order('created_at', { ascending: false });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }

  /**
   * One tool: approved ones for everyone, your own, or any for admins.
   *
   * @example
   * const { data, error } = await kit.marketplace.tools.get(toolId);
   */
  get(id: string): Promise<Result<Tool, never>>;
  async get(id: string): Promise<Result<Tool>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return { data: null, error: invalidId };
    const { data, error, status } = await this.supabase.from('tools').select(TOOL_COLUMNS).eq('id', id).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: notFound() };
    return { data: data, error: null };
  }

  /**
   * Tool creators: creates a draft tool of their own (submit it to publish it).
   * Idempotent: a retry with the same `idempotencyKey` (generated when absent; automatic after a network
   * failure) answers the first result; the same key with other fields is `idempotency_key_reused`.
   *
   * @example
   * const { data, error } = await kit.marketplace.tools.create({ name: 'Summariser', category: 'text', price_points: 5, creator_share_percent: 70 });
   */
  create(input: ToolCreateInput, options?: MutationOptions): Promise<Result<Tool, Exclude<TableWriteErrorCodes['tools'], 'idempotent_replay'>>>;
  async create(input: ToolCreateInput, options: MutationOptions = {}): Promise<Result<Tool>> {
    const parsed = parseInput(toolCreateSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const invalidKey = badKey(options);
    if (invalidKey) return { data: null, error: invalidKey };
    const { data, error, status } = await keyedBy(this.supabase.from('tools').insert(definedFields(parsed.data)).select(TOOL_COLUMNS), options).single();
    if (error) {
      const failure = errorFromPostgrest(error, status);
      const replayed = replayedId(failure);
      if (!replayed) return { data: null, error: failure };
      const original = await this.supabase.from('tools').select(TOOL_COLUMNS).eq('id', replayed).single();
      if (original.error) return { data: null, error: errorFromPostgrest(original.error, original.status) };
      return { data: original.data, error: null };
    }
    return { data: data, error: null };
  }

  /**
   * Edits a tool: the creator their own (not while suspended), admins any. Never the status. A
   * creator's change of an approved tool does not apply at once: it becomes a pending revision (see
   * `revisions`) that an admin approves, and the tool returned still carries the approved values —
   * clients keep paying the approved price until then. Drafts and rejected tools change at once.
   *
   * @example
   * const { data, error } = await kit.marketplace.tools.update(toolId, { price_points: 8 });
   * const { data: pending } = await kit.marketplace.tools.revisions({ tool_id: toolId, status: 'pending' });
   */
  update(id: string, changes: ToolUpdateInput, options?: MutationOptions): Promise<Result<Tool, TableWriteErrorCodes['tools'] | 'tool_not_found'>>;
  async update(id: string, changes: ToolUpdateInput, options?: MutationOptions): Promise<Result<Tool>> {
    const invalidId = checkIds({ id: id }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const parsed = parseInput(toolUpdateSchema, changes);
    if (parsed.error) return { data: null, error: parsed.error };
    const { data, error, status } = await keyedBy(this.supabase.from('tools').update(definedFields(parsed.data)).eq('id', id).select(TOOL_COLUMNS), options).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No tool you may edit has this id', 'tool_not_found', 404) };
    return { data: data, error: null };
  }

  /**
   * The creator submits a draft (or rejected) tool for review.
   *
   * @example
   * const { data, error } = await kit.marketplace.tools.submit(toolId);
   * console.log(data?.status); // 'pending_review'
   */
  submit(id: string, options?: MutationOptions): Promise<Result<Tool, RpcErrorCodes['submit_tool']>>;
  async submit(id: string, options?: MutationOptions): Promise<Result<Tool>> {
    const invalidId = checkIds({ id: id }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const { data, error, status } = await keyedBy(this.supabase.rpc('submit_tool', { tool_id: id }), options);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: strip(data), error: null };
  }

  /**
   * Revisions you may see, newest first: a creator's own tools', all for admins.
   *
   * @example
   * const { data, error } = await kit.marketplace.tools.revisions({ status: 'pending' });
   * for (const revision of data?.items ?? []) console.log(revision.tool_id, revision.price_points);
   */
  revisions(query: ToolRevisionQuery = {}): PageRequest<ToolRevision, never> {
    return paged(query, (q) => this.#revisionsPage(q));
  }

  async #revisionsPage(query: ToolRevisionQuery): Promise<Result<Page<ToolRevision>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const { page, perPage, from, to } = range;
    let request = this.supabase.from('tool_revisions').select('*', { count: 'exact' });
    if (query.tool_id) request = request.eq('tool_id', query.tool_id);
    if (query.status) request = request.eq('status', query.status);
    const { data, error, status, count } = await request.order('seq', { ascending: false }).range(from, to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, page, perPage), error: null };
  }

  /**
   * The creator withdraws their pending revision (the tool keeps its approved values).
   *
   * @example
   * const { data, error } = await kit.marketplace.tools.withdrawRevision(revisionId);
   */
  withdrawRevision(id: string, options?: MutationOptions): Promise<Result<{ id: string }, TableWriteErrorCodes['tool_revisions'] | 'revision_not_found'>>;
  async withdrawRevision(id: string, options?: MutationOptions): Promise<Result<{ id: string }>> {
    const invalidId = checkIds({ id: id }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const removed = removal(id, 'pending revision of yours', await keyedBy(this.supabase.from('tool_revisions').delete().eq('id', id).select('id'), options));
    return removed.error?.code === 'not_found' ? { data: null, error: new SdkApiError(removed.error.message, 'revision_not_found', 404) } : removed;
  }
}

function strip(row: Tables<'tools'>): Tool {
  const { search: _search, ...tool } = row;
  return tool;
}
