/**
 * `kit.admin.waitlist`: platform staff read, export (CSV) and prune the pre-registration waitlist.
 * Through PostgREST; row-level security lets only admins see the table.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result } from './errors.ts';
import { paged, toPage, type Page, type PageQuery, type PageRequest } from './pages.ts';
import { badKey, keyedBy, pageOf, removal } from './postgrest.ts';
import { requireAdmin } from './session.ts';
import { checkIds } from './validation.ts';
import type { MutationOptions } from './functions.ts';

/** A waitlist entry: one per e-mail address. */
export type WaitlistEntry = Tables<'waitlist'>;

export class AdminWaitlistClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Waitlist entries, newest first, a page at a time (default 50 per page, max 1000).
   *
   * @example
   * const { data, error } = await kit.admin.waitlist.list({ page: 1, per_page: 100 });
   */
  list(query: PageQuery = {}): PageRequest<WaitlistEntry, never> {
    return paged(query, (q) => this.#listPage(q));
  }

  async #listPage(query: PageQuery): Promise<Result<Page<WaitlistEntry>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { data, error, status, count } = await this.supabase.from('waitlist').select('*', { count: 'exact' }).order('seq', { ascending: false }).range(range.from, range.to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, range.page, range.perPage), error: null };
  }

  /**
   * The whole waitlist as CSV (header row: email, source, request_count, created_at, last_requested_at),
   * oldest first. Built by the database (`admin_export_waitlist_csv`): every cell is quoted, and a cell
   * a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) gets a leading `'`.
   *
   * @example
   * const { data: csv, error } = await kit.admin.waitlist.exportCsv();
   * await writeFile('waitlist.csv', csv ?? '');
   */
  exportCsv(): Promise<Result<string, /*rpc admin_export_waitlist_csv*/ never>>;
  async exportCsv(): Promise<Result<string>> {
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { data, error, status } = await this.supabase.rpc('admin_export_waitlist_csv');
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data, error: null };
  }

  /**
   * Removes an entry (e.g. after inviting that address).
   *
   * @example
   * const { error } = await kit.admin.waitlist.remove(entry.id);
   */
  remove(id: string, options?: MutationOptions): Promise<Result<{ id: string }, never>>;
  async remove(id: string, options?: MutationOptions): Promise<Result<{ id: string }>> {
    const bad = checkIds({ id }) ?? badKey(options);
    if (bad) return { data: null, error: bad };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    return removal(id, 'entry', await keyedBy(this.supabase.from('waitlist').delete().eq('id', id).select('id'), options));
  }
}
