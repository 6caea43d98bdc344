/**
 * `kit.marketplace.feedback`: a client rates (1–5) and reviews a tool for one of their usages, once
 * per usage; everyone reads the reviews of approved tools (without who wrote them); admins moderate.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { feedbackSchema, type FeedbackInput } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, type RpcErrorCodes, withCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import { badKey, keyedBy, pageOf, replayedId } from './postgrest.ts';
import { paged, type PageRequest, type Page, type PageQuery, toPage } from './pages.ts';
import { checkIds, parseInput } from './validation.ts';

export type { FeedbackInput };

/** A review as everyone reads it. */
export type Review = Pick<Tables<'feedback'>, 'id' | 'usage_id' | 'tool_id' | 'rating' | 'review' | 'created_at'>;

export class FeedbackClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Rates the tool of one of your usages (`usage_not_found` for anyone else's, `feedback_exists` the
   * second time). Idempotent: a retry with the same `idempotencyKey` (generated when absent, retried
   * automatically after a network failure) answers the review of the first attempt, not
   * `feedback_exists`; the same key with another rating or text is `idempotency_key_reused`.
   *
   * @example
   * const { data, error } = await kit.marketplace.feedback.submit({ usage_id: usageId, rating: 5, review: 'Fast and accurate' });
   */
  submit(input: FeedbackInput, options: MutationOptions = {}): Promise<Result<Review, Exclude<RpcErrorCodes['submit_feedback'], 'idempotent_replay'>>> {
    return this.#submit(input, options).then(withCodes<Exclude<RpcErrorCodes['submit_feedback'], 'idempotent_replay'>, Review>);
  }

  /** The implementation of `submit` (its result carries any `SdkError`). */
  async #submit(input: FeedbackInput, options: MutationOptions = {}): Promise<Result<Review>> {
    const parsed = parseInput(feedbackSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const invalidKey = badKey(options);
    if (invalidKey) return { data: null, error: invalidKey };
    const { data, error, status } = await keyedBy(
      this.supabase.rpc('submit_feedback', { usage_id: parsed.data.usage_id, rating: parsed.data.rating, ...(parsed.data.review ? { review: parsed.data.review } : {}) }),
      options,
    );
    if (error) {
      const failure = errorFromPostgrest(error, status);
      const replayed = replayedId(failure);
      if (!replayed) return { data: null, error: failure };
      const original = await this.supabase.from('feedback').select('id, usage_id, tool_id, rating, review, created_at').eq('id', replayed).single();
      if (original.error) return { data: null, error: errorFromPostgrest(original.error, original.status) };
      return { data: original.data, error: null };
    }
    const { client_id: _author, ...review } = data;
    return { data: review, error: null };
  }

  /**
   * The reviews of a tool, newest first.
   *
   * @example
   * const { data, error } = await kit.marketplace.feedback.forTool(toolId, { per_page: 10 });
   */
  forTool(toolId: string, query: PageQuery = {}): PageRequest<Review, never> {
    return paged(query, (q) => this.#forToolPage(toolId, q));
  }

  async #forToolPage(toolId: string, options: PageQuery): Promise<Result<Page<Review>>> {
    const invalidId = checkIds({ tool_id: toolId });
    if (invalidId) return { data: null, error: invalidId };
    const range = pageOf(options);
    if (range.error) return { data: null, error: range.error };
    const { page, perPage, from, to } = range;
    const { data, error, status, count } = await this.supabase
      .from('feedback')
      .select('id, usage_id, tool_id, rating, review, created_at', { count: 'exact' })
      .eq('tool_id', toolId)
      .order('seq', { ascending: false })
      .range(from, to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, page, perPage), error: null };
  }
}
