/**
 * `kit.admin.tools`: the platform admins' decisions about marketplace tools and their revisions
 * (SQL functions `review_tool` and `review_tool_revision`, which check the caller is an admin).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result, type RpcErrorCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import { type Tool, TOOL_COLUMNS, type ToolDecision, type ToolRevision, type ToolRevisionDecision, type ToolStatus } from './ToolsClient.ts';
import { paged, type PageQuery, type PageRequest, toPage } from './pages.ts';
import { badKey, keyedBy, pageOf } from './postgrest.ts';
import { requireAdmin } from './session.ts';
import { checkEnum, checkIds } from './validation.ts';

const TOOL_DECISIONS = ['approve', 'reject', 'suspend', 'reinstate'] as const satisfies readonly ToolDecision[];
const TOOL_STATUSES = ['draft', 'pending_review', 'approved', 'rejected', 'suspended'] as const satisfies readonly ToolStatus[];
const REVISION_DECISIONS = ['approve', 'reject'] as const satisfies readonly ToolRevisionDecision[];

export class AdminToolsClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Every tool whatever its status (clients see approved ones only), filtered by `status` — the review
   * queue is `{ status: 'pending_review' }`, oldest submission first.
   *
   * @example
   * for await (const tool of kit.admin.tools.list({ status: 'pending_review' })) console.log(tool.name, tool.submitted_at);
   */
  list(query: PageQuery & { status?: ToolStatus } = {}): PageRequest<Tool, never> {
    return paged(query, async (q) => {
      const range = pageOf(q);
      if (range.error) return { data: null, error: range.error };
      const bad = q.status === undefined ? null : checkEnum('status', q.status, TOOL_STATUSES);
      if (bad) return { data: null, error: bad };
      const admin = await requireAdmin(this.supabase);
      if (admin.error) return { data: null, error: admin.error };
      let request = this.supabase.from('tools').select(TOOL_COLUMNS, { count: 'exact' });
      if (q.status) request = request.eq('status', q.status);
      const { data, error, status, count } = await request.order('submitted_at', { nullsFirst: false }).order('id').range(range.from, range.to);
      if (error) return { data: null, error: errorFromPostgrest(error, status) };
      return { data: toPage(data as Tool[], count, range.page, range.perPage), error: null };
    });
  }

  /**
   * Approves or rejects a submitted tool, suspends an approved one, reinstates a suspended one.
   * Rejecting and suspending need a `note`.
   *
   * @example
   * const { data, error } = await kit.admin.tools.review(toolId, { decision: 'approve' });
   * await kit.admin.tools.review(otherId, { decision: 'suspend', note: 'Reported as broken' });
   */
  review(id: string, input: { decision: ToolDecision; note?: string } | undefined, options?: MutationOptions): Promise<Result<Tool, RpcErrorCodes['review_tool']>>;
  async review(id: string, input: { decision: ToolDecision; note?: string } | undefined, options: MutationOptions = {}): Promise<Result<Tool>> {
    const bad = checkIds({ id }) ?? checkEnum('decision', input?.decision, TOOL_DECISIONS) ?? badKey(options);
    if (bad) return { data: null, error: bad };
    // checkEnum answered a missing input above.
    const { data, error, status } = await keyedBy(
      this.supabase.rpc('review_tool', { tool_id: id, decision: input!.decision, ...(input!.note ? { note: input!.note } : {}) }),
      options,
    );
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    const { search: _search, ...tool } = data;
    return { data: tool, error: null };
  }

  /**
   * Approves a pending revision (its values apply to the tool at once) or rejects it (`note`
   * required). `invalid_status` when it was decided already or superseded by a newer change.
   *
   * @example
   * const { data, error } = await kit.admin.tools.reviewRevision(revisionId, { decision: 'approve' });
   * await kit.admin.tools.reviewRevision(otherId, { decision: 'reject', note: 'A 100 % share needs a contract' });
   */
  reviewRevision(
    id: string,
    input: { decision: ToolRevisionDecision; note?: string } | undefined,
    options?: MutationOptions,
  ): Promise<Result<ToolRevision, RpcErrorCodes['review_tool_revision']>>;
  async reviewRevision(id: string, input: { decision: ToolRevisionDecision; note?: string } | undefined, options: MutationOptions = {}): Promise<Result<ToolRevision>> {
    const bad = checkIds({ id }) ?? checkEnum('decision', input?.decision, REVISION_DECISIONS) ?? badKey(options);
    if (bad) return { data: null, error: bad };
    const { data, error, status } = await keyedBy(
      this.supabase.rpc('review_tool_revision', { revision_id: id, decision: input!.decision, ...(input!.note ? { note: input!.note } : {}) }),
      options,
    );
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data, error: null };
  }
}
