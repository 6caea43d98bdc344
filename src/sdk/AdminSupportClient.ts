/**
 * `kit.admin.support`: the staff side of support tickets — change status and priority, assign to an
 * admin, close. Users open and reply through `kit.support`; admins read every ticket there too.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result, SdkApiError, type TableWriteErrorCodes } from './errors.ts';
import type { SupportTicket, TicketUpdate } from './SupportClient.ts';
import { requireAdmin } from './session.ts';
import { checkIds } from './validation.ts';
import { badKey, keyedBy } from './postgrest.ts';
import type { MutationOptions } from './functions.ts';

export class AdminSupportClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Admins: change a ticket's status or priority, or assign it to an admin (`invalid_assignee` for
   * anyone else).
   *
   * @example
   * const { data, error } = await kit.admin.support.update(ticketId, { status: 'resolved', assigned_to: adminId });
   */
  update(ticketId: string, changes: TicketUpdate, options?: MutationOptions): Promise<Result<SupportTicket, TableWriteErrorCodes['support_tickets']>>;
  async update(ticketId: string, changes: TicketUpdate, options?: MutationOptions): Promise<Result<SupportTicket>> {
    const invalidId = checkIds({ ticket_id: ticketId }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { data, error, status } = await keyedBy(this.supabase.from('support_tickets').update(changes).eq('id', ticketId).select('*'), options).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No ticket you may change has this id', 'forbidden', 403) };
    return { data, error: null };
  }

  /**
   * Assigns a ticket to an admin (`invalid_assignee` for anyone else), or unassigns it with `null`.
   *
   * @example
   * const { data, error } = await kit.admin.support.assign(ticketId, { assigned_to: adminId });
   */
  assign(ticketId: string, input: { assigned_to: string | null } | undefined, options?: MutationOptions): Promise<Result<SupportTicket, TableWriteErrorCodes['support_tickets']>>;
  async assign(ticketId: string, input: { assigned_to: string | null } | undefined, options?: MutationOptions): Promise<Result<SupportTicket>> {
    if (input?.assigned_to) {
      const invalidAssignee = checkIds({ assigned_to: input.assigned_to });
      if (invalidAssignee) return { data: null, error: invalidAssignee };
    }
    return this.update(ticketId, { assigned_to: input?.assigned_to ?? null }, options);
  }

  /**
   * Closes a ticket (its user can no longer reply).
   *
   * @example
   * const { data, error } = await kit.admin.support.close(ticketId);
   */
  close(ticketId: string, options?: MutationOptions): Promise<Result<SupportTicket, TableWriteErrorCodes['support_tickets']>>;
  async close(ticketId: string, options?: MutationOptions): Promise<Result<SupportTicket>> {
    return this.update(ticketId, { status: 'closed' }, options);
  }
}
