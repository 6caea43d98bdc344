/**
 * `kit.admin.content`: writing site pages and announcements — create, edit, publish, delete. Everyone
 * reads published content through `kit.content`. Row-level security lets only admins write.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { contentCreateSchema, contentUpdateSchema, type ContentCreateInput, type ContentUpdateInput } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import type { SiteContent } from './ContentClient.ts';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result, SdkApiError, type TableWriteErrorCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import { badKey, keyedBy, removal, replayedId } from './postgrest.ts';
import { requireAdmin } from './session.ts';
import { checkIds, definedFields, parseInput } from './validation.ts';

export class AdminContentClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Admins: writes a page or an announcement (a draft unless `published`).
   * Idempotent: a retry with the same `idempotencyKey` (generated when absent; automatic after a network
   * failure) answers the first result; the same key with other fields is `idempotency_key_reused`.
   *
   * @example
   * const { data, error } = await kit.admin.content.create({ slug: 'launch', title: 'We are live', body: '…', kind: 'announcement', published: true });
   */
  create(input: ContentCreateInput, options?: MutationOptions): Promise<Result<SiteContent, Exclude<TableWriteErrorCodes['site_content'], 'idempotent_replay'>>>;
  async create(input: ContentCreateInput, options: MutationOptions = {}): Promise<Result<SiteContent>> {
    const parsed = parseInput(contentCreateSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const invalidKey = badKey(options);
    if (invalidKey) return { data: null, error: invalidKey };
    const { data, error, status } = await keyedBy(this.supabase.from('site_content').insert(definedFields(parsed.data)).select('*'), options).single();
    if (error) {
      const failure = errorFromPostgrest(error, status);
      const replayed = replayedId(failure);
      if (!replayed) return { data: null, error: failure };
      const original = await this.supabase.from('site_content').select('*').eq('id', replayed).single();
      if (original.error) return { data: null, error: errorFromPostgrest(original.error, original.status) };
      return { data: original.data, error: null };
    }
    return { data, error: null };
  }
  /**
   * Admins: edits, publishes (`published: true`) or unpublishes a page.
   *
   * @example
   * const { data, error } = await kit.admin.content.update(pageId, { published: true });
   */
  update(id: string, changes: ContentUpdateInput, options?: MutationOptions): Promise<Result<SiteContent, TableWriteErrorCodes['site_content']>>;
  async update(id: string, changes: ContentUpdateInput, options?: MutationOptions): Promise<Result<SiteContent>> {
    const invalidId = checkIds({ id: id }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const parsed = parseInput(contentUpdateSchema, changes);
    if (parsed.error) return { data: null, error: parsed.error };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { data, error, status } = await keyedBy(this.supabase.from('site_content').update(definedFields(parsed.data)).eq('id', id).select('*'), options).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No page you may edit has this id', 'forbidden', 403) };
    return { data, error: null };
  }
  /**
   * Admins: deletes a page.
   *
   * @example
   * const { error } = await kit.admin.content.remove(pageId);
   */
  remove(id: string, options?: MutationOptions): Promise<Result<{ id: string }, TableWriteErrorCodes['site_content']>>;
  async remove(id: string, options?: MutationOptions): Promise<Result<{ id: string }>> {
    const invalidId = checkIds({ id: id }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    return removal(id, 'page', await keyedBy(this.supabase.from('site_content').delete().eq('id', id).select('id'), options));
  }
}
