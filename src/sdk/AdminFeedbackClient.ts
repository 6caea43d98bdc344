/**
 * `kit.admin.feedback`: moderation of tool reviews. Clients submit and everyone reads reviews through
 * `kit.marketplace.feedback`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { type Result, type TableWriteErrorCodes } from './errors.ts';
import { requireAdmin } from './session.ts';
import { checkIds } from './validation.ts';
import { badKey, keyedBy, removal } from './postgrest.ts';
import type { MutationOptions } from './functions.ts';

export class AdminFeedbackClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Admins: deletes a review (moderation); the tool's rating follows.
   *
   * @example
   * const { error } = await kit.admin.feedback.remove(reviewId);
   */
  remove(id: string, options?: MutationOptions): Promise<Result<{ id: string }, TableWriteErrorCodes['feedback']>>;
  async remove(id: string, options?: MutationOptions): Promise<Result<{ id: string }>> {
    const invalidId = checkIds({ id: id }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    return removal(id, 'review', await keyedBy(this.supabase.from('feedback').delete().eq('id', id).select('id'), options));
  }
}
