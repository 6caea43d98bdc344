/**
 * `kit.admin.tools`: the platform admins' decisions about marketplace tools and their revisions
 * (SQL functions `review_tool` and `review_tool_revision`, which check the caller is an admin).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result, type RpcErrorCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import type { Tool, ToolDecision, ToolRevision, ToolRevisionDecision } from './ToolsClient.ts';
import { checkEnum, checkIds } from './validation.ts';

const TOOL_DECISIONS = ['approve', 'reject', 'suspend', 'reinstate'] as const satisfies readonly ToolDecision[];
const REVISION_DECISIONS = ['approve', 'reject'] as const satisfies readonly ToolRevisionDecision[];

export class AdminToolsClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

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
    const bad = checkIds({ id }) ?? checkEnum('decision', input?.decision, TOOL_DECISIONS);
    if (bad) return { data: null, error: bad };
    // checkEnum answered a missing input above.
    let request = this.supabase.rpc('review_tool', { tool_id: id, decision: input!.decision, ...(input!.note ? { note: input!.note } : {}) });
    if (options.signal) request = request.abortSignal(options.signal);
    const { data, error, status } = await request;
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
    const bad = checkIds({ id }) ?? checkEnum('decision', input?.decision, REVISION_DECISIONS);
    if (bad) return { data: null, error: bad };
    let request = this.supabase.rpc('review_tool_revision', { revision_id: id, decision: input!.decision, ...(input!.note ? { note: input!.note } : {}) });
    if (options.signal) request = request.abortSignal(options.signal);
    const { data, error, status } = await request;
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data, error: null };
  }
}
