/**
 * `kit.admin.audit`: the append-only log of privileged actions (role changes, bans, account reviews,
 * member access changes, admin points adjustments, payout and refund decisions, tool reviews, content
 * changes). Readable by admins only (RLS); everyone else gets an empty page.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result } from './errors.ts';
import { type Page, type PageQuery, toPage } from './pages.ts';
import { pageOf } from './postgrest.ts';

export type AuditEntry = Tables<'audit_log'>;

export interface AuditQuery extends PageQuery {
  /** Exact action, e.g. `user.role_changed`, or a prefix ending in `.`, e.g. `payout.`. */
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  /** ISO 8601 instants, inclusive from, exclusive to. */
  from?: string;
  to?: string;
}

export class AdminAuditClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Audit entries, newest first, filtered.
   *
   * @example
   * const { data, error } = await kit.admin.audit.list({ action: 'user.role_changed', targetId: userId });
   */
  async list(query: AuditQuery = {}): Promise<Result<Page<AuditEntry>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const { page, perPage, from, to } = range;
    let request = this.supabase.from('audit_log').select('*', { count: 'exact' });
    if (query.action) request = query.action.endsWith('.') ? request.like('action', `${query.action}%`) : request.eq('action', query.action);
    if (query.actorId) request = request.eq('actor_id', query.actorId);
    if (query.targetType) request = request.eq('target_type', query.targetType);
    if (query.targetId) request = request.eq('target_id', query.targetId);
    if (query.from) request = request.gte('occurred_at', query.from);
    if (query.to) request = request.lt('occurred_at', query.to);
    const { data, error, status, count } = await request.order('occurred_at', { ascending: false }).order('id', { ascending: false }).range(from, to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data ?? [], count, page, perPage), error: null };
  }
}
