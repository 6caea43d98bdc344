/**
 * `kit.admin.waitlist`: platform staff read, export (CSV) and prune the pre-registration waitlist.
 * Through PostgREST; row-level security lets only admins see the table.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, SdkValidationError, type Result } from './errors.ts';

/** A waitlist entry: one per e-mail address. */
export type WaitlistEntry = Tables<'waitlist'>;

/** One page of the waitlist. */
export interface WaitlistPage {
  entries: WaitlistEntry[];
  total: number;
  page: number;
  per_page: number;
}

export class AdminWaitlistClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Waitlist entries, newest first, a page at a time (default 50 per page, max 1000).
   *
   * @example
   * const { data, error } = await kit.admin.waitlist.list({ page: 1, per_page: 100 });
   */
  async list(options: { page?: number; per_page?: number } = {}): Promise<Result<WaitlistPage>> {
    const page = options.page ?? 1;
    const perPage = options.per_page ?? 50;
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1 || perPage > 1000) {
      return { data: null, error: new SdkValidationError('Bad page', { fieldErrors: { page: ['Use page ≥ 1 and 1 ≤ per_page ≤ 1000'] }, formErrors: [] }) };
    }
    const from = (page - 1) * perPage;
    const { data, error, status, count } = await this.supabase
      .from('waitlist')
      .select('*', { count: 'exact' })
      .order('created_at', { ascending: false })
      .order('id')
      .range(from, from + perPage - 1);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: { entries: data, total: count ?? 0, page, per_page: perPage }, error: null };
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
  async exportCsv(): Promise<Result<string>> {
    const { data, error, status } = await this.supabase.rpc('admin_export_waitlist_csv');
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as string, error: null };
  }

  /**
   * Removes an entry (e.g. after inviting that address).
   *
   * @example
   * const { error } = await kit.admin.waitlist.remove(entry.id);
   */
  async remove(id: string): Promise<Result<null>> {
    const { error, status } = await this.supabase.from('waitlist').delete().eq('id', id);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: null, error: null };
  }
}
