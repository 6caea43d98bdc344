/**
 * `kit.marketplace.tools`: the catalogue (approved tools: search, category, sort by price, rating or
 * popularity), a creator's own tools (create, edit, submit for review) and the admins' review
 * (approve, reject, suspend, reinstate, edit any). Row-level security decides who sees and edits what.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import {
  toolCreateSchema,
  toolUpdateSchema,
  type ToolCreateInput,
  type ToolUpdateInput,
} from '../../supabase/functions/_shared/schemas/marketplace.ts';
import type { Database, Enums, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, SdkApiError } from './errors.ts';
import { pageOf } from './postgrest.ts';
import { type Page, type PageQuery, toPage } from './pages.ts';
import { parseInput } from './validation.ts';

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

const TOOL_COLUMNS =
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
  async list(query: ToolQuery = {}): Promise<Result<Page<Tool>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const { page, perPage, from, to } = range;
    let request = this.supabase.from('tools').select(TOOL_COLUMNS, { count: 'exact' }).eq('status', 'approved');
    if (query.category) request = request.eq('category', query.category);
    if (query.search?.trim()) request = request.textSearch('search', query.search.trim(), { type: 'websearch', config: 'simple' });
    switch (query.sort ?? 'newest') {
      case 'price_asc':
        request = request.order('price_points', { ascending: true });
        break;
      case 'price_desc':
        request = request.order('price_points', { ascending: false });
        break;
      case 'rating':
        request = request.order('rating_average', { ascending: false, nullsFirst: false }).order('rating_count', { ascending: false });
        break;
      case 'popularity':
        request = request.order('usage_count', { ascending: false });
        break;
      default:
        request = request.order('created_at', { ascending: false });
    }
    const { data, error, status, count } = await request.order('id').range(from, to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage((data ?? []) as Tool[], count, page, perPage), error: null };
  }

  /**
   * The signed-in creator's own tools, whatever their status, newest first.
   *
   * @example
   * const { data, error } = await kit.marketplace.tools.mine();
   */
  async mine(): Promise<Result<Tool[]>> {
    const { data: session } = await this.supabase.auth.getSession();
    const me = session.session?.user.id;
    if (!me) return { data: null, error: new SdkApiError('Sign in first: there is no session', 'unauthorized', 401) };
    const { data, error, status } = await this.supabase.from('tools').select(TOOL_COLUMNS).eq('creator_id', me).order('created_at', { ascending: false });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: (data ?? []) as Tool[], error: null };
  }

  /**
   * One tool: approved ones for everyone, your own, or any for admins.
   *
   * @example
   * const { data, error } = await kit.marketplace.tools.get(toolId);
   */
  async get(id: string): Promise<Result<Tool>> {
    const { data, error, status } = await this.supabase.from('tools').select(TOOL_COLUMNS).eq('id', id).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: notFound() };
    return { data: data as Tool, error: null };
  }

  /**
   * Tool creators: creates a draft tool of their own (submit it to publish it).
   *
   * @example
   * const { data, error } = await kit.marketplace.tools.create({ name: 'Summariser', category: 'text', price_points: 5, creator_share_percent: 70 });
   */
  async create(input: ToolCreateInput): Promise<Result<Tool>> {
    const parsed = parseInput(toolCreateSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const { data, error, status } = await this.supabase.from('tools').insert(parsed.data).select(TOOL_COLUMNS).single();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as Tool, error: null };
  }

  /**
   * Edits a tool: the creator their own (not while suspended), admins any. Never the status.
   *
   * @example
   * const { data, error } = await kit.marketplace.tools.update(toolId, { price_points: 8 });
   */
  async update(id: string, changes: ToolUpdateInput): Promise<Result<Tool>> {
    const parsed = parseInput(toolUpdateSchema, changes);
    if (parsed.error) return { data: null, error: parsed.error };
    const { data, error, status } = await this.supabase.from('tools').update(parsed.data).eq('id', id).select(TOOL_COLUMNS).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No tool you may edit has this id', 'tool_not_found', 404) };
    return { data: data as Tool, error: null };
  }

  /**
   * The creator submits a draft (or rejected) tool for review.
   *
   * @example
   * const { data, error } = await kit.marketplace.tools.submit(toolId);
   * console.log(data?.status); // 'pending_review'
   */
  async submit(id: string): Promise<Result<Tool>> {
    const { data, error, status } = await this.supabase.rpc('submit_tool', { tool_id: id });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: strip(data), error: null };
  }

  /**
   * Admins: approve or reject a submitted tool, suspend an approved one, reinstate a suspended one.
   * Rejecting and suspending need a note.
   *
   * @example
   * const { data, error } = await kit.marketplace.tools.review(toolId, 'approve');
   * await kit.marketplace.tools.review(otherId, 'suspend', 'Reported as broken');
   */
  async review(id: string, decision: ToolDecision, note?: string): Promise<Result<Tool>> {
    const { data, error, status } = await this.supabase.rpc('review_tool', { tool_id: id, decision, ...(note ? { note } : {}) });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: strip(data), error: null };
  }
}

function strip(row: Tables<'tools'>): Tool {
  const { search: _search, ...tool } = row;
  return tool;
}
