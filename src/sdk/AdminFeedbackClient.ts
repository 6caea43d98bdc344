/**
 * `kit.admin.feedback`: moderation of tool reviews. Clients submit and everyone reads reviews through
 * `kit.marketplace.feedback`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result, SdkApiError, type TableWriteErrorCodes } from './errors.ts';
import { requireAdmin } from './session.ts';
import { checkIds } from './validation.ts';

export class AdminFeedbackClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Admins: deletes a review (moderation); the tool's rating follows.
   *
   * @example
   * const { error } = await kit.admin.feedback.remove(reviewId);
   */
  remove(id: string): Promise<Result<{ id: string }, TableWriteErrorCodes['feedback']>>;
  async remove(id: string): Promise<Result<{ id: string }>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return { data: null, error: invalidId };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { data, error, status } = await this.supabase.from('feedback').delete().eq('id', id).select('id').maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No review you may delete has this id', 'not_found', 404) };
    return { data, error: null };
  }
}
