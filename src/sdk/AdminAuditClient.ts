/**
 * `kit.admin.audit`: the append-only log of privileged actions (role changes, bans, account reviews,
 * member access changes, admin points adjustments, payout and refund decisions, tool reviews, content
 * changes). Readable by admins only (RLS); everyone else gets `forbidden`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result } from './errors.ts';
import { paged, type PageRequest, type Page, type PageQuery, toPage } from './pages.ts';
import { pageOf } from './postgrest.ts';
import { requireAdmin } from './session.ts';

export type AuditEntry = Tables<'audit_log'>;

export interface AuditQuery extends PageQuery {
  /** Exact action, e.g. `user.role_changed`, or a prefix ending in `.`, e.g. `payout.`. */
  action?: string;
  actor_id?: string;
  target_type?: string;
  target_id?: string;
  /** Occurred at or after (inclusive) / before (exclusive): dates (midnight UTC) or ISO 8601 date-times. */
  from?: string;
  to?: string;
}

export class AdminAuditClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Audit entries, newest first, filtered.
   *
   * @example
   * const { data, error } = await kit.admin.audit.list({ action: 'user.role_changed', target_id: userId });
   */
  list(query: AuditQuery = {}): PageRequest<AuditEntry, never> {
    return paged(query, (q) => this.#listPage(q));
  }

  async #listPage(query: AuditQuery): Promise<Result<Page<AuditEntry>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { page, perPage, from, to } = range;
    let request = this.supabase.from('audit_log').select('*', { count: 'exact' });
    if (query.action) request = query.action.endsWith('.') ? request.like('action', `${query.action}%`) : request.eq('action', query.action);
    if (query.actor_id) request = request.eq('actor_id', query.actor_id);
    if (query.target_type) request = request.eq('target_type', query.target_type);
    if (query.target_id) request = request.eq('target_id', query.target_id);
    if (query.from) request = request.gte('occurred_at', query.from);
    if (query.to) request = request.lt('occurred_at', query.to);
    const { data, error, status, count } = await request.order('id', { ascending: false }).range(from, to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, page, perPage), error: null };
  }
}
