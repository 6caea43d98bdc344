/**
 * `kit.content`: site pages and announcements. Anyone reads what is published; admins write, publish
 * and delete. A plain table behind row-level security.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { ContentCreateInput, ContentUpdateInput } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import { pagedFromAll, type PageQuery, type PageRequest } from './pages.ts';
import type { Database, Enums, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, SdkApiError } from './errors.ts';

export type { ContentCreateInput, ContentUpdateInput };

export type SiteContent = Tables<'site_content'>;
export type ContentKind = Enums<'content_kind'>;

export class ContentClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Published pages or announcements, newest first (admins also see drafts unless `published_only`).
   *
   * @example
   * const { data, error } = await kit.content.list({ kind: 'announcement' });
   */
  list(query: PageQuery & { kind?: ContentKind; published_only?: boolean } = {}): PageRequest<SiteContent, never> {
    return pagedFromAll(query, (q) => this.#listAll(q));
  }

  async #listAll(query: PageQuery & { kind?: ContentKind; published_only?: boolean }): Promise<Result<SiteContent[]>> {
    let request = this.supabase.from('site_content').select('*');
    if (query.kind) request = request.eq('kind', query.kind);
    if (query.published_only ?? true) request = request.eq('published', true);
    const { data, error, status } = await request.order('published_at', { ascending: false, nullsFirst: true }).order('created_at', { ascending: false });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }

  /**
   * One page by its slug.
   *
   * @example
   * const { data, error } = await kit.content.get('terms-of-use');
   */
  get(slug: string): Promise<Result<SiteContent, never>>;
  async get(slug: string): Promise<Result<SiteContent>> {
    const { data, error, status } = await this.supabase.from('site_content').select('*').eq('slug', slug).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No published page has this slug', 'not_found', 404) };
    return { data, error: null };
  }
}
