/**
 * `kit.support`: support tickets. Users open tickets and reply; admins see every ticket, reply,
 * assign them to an admin and change status and priority. Plain tables behind row-level security.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { ticketOpenSchema, type TicketOpenInput } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import type { Database, Enums, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, SdkApiError, SdkValidationError, type RpcErrorCodes, type TableWriteErrorCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import { badKey, keyedBy, pageOf, replayedId } from './postgrest.ts';
import { paged, type PageRequest, type Page, type PageQuery, toPage } from './pages.ts';
import { checkIds, parseInput } from './validation.ts';

export type { TicketOpenInput };

export type SupportTicket = Tables<'support_tickets'>;
export type SupportMessage = Tables<'support_messages'>;
export type TicketStatus = Enums<'ticket_status'>;
export type TicketPriority = Enums<'ticket_priority'>;

/** A ticket with its conversation, oldest message first. */
export interface TicketThread {
  ticket: SupportTicket;
  messages: SupportMessage[];
}

export interface TicketQuery extends PageQuery {
  status?: TicketStatus;
  /** Admins: tickets assigned to this admin. */
  assigned_to?: string;
}

/** What admins change on a ticket. */
export interface TicketUpdate {
  status?: TicketStatus;
  priority?: TicketPriority;
  /** An admin's user id, or null to unassign. */
  assigned_to?: string | null;
}

export class SupportClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Opens a ticket with its first message.
   * Idempotent: a retry with the same `idempotencyKey` (generated when absent; automatic after a network
   * failure) answers the first result; the same key with other fields is `idempotency_key_reused`.
   *
   * @example
   * const { data, error } = await kit.support.open({ subject: 'Refund not received', body: 'I was told…', priority: 'high' });
   */
  open(input: TicketOpenInput, options?: MutationOptions): Promise<Result<SupportTicket, Exclude<RpcErrorCodes['open_support_ticket'], 'idempotent_replay'>>>;
  async open(input: TicketOpenInput, options: MutationOptions = {}): Promise<Result<SupportTicket>> {
    const parsed = parseInput(ticketOpenSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const invalidKey = badKey(options);
    if (invalidKey) return { data: null, error: invalidKey };
    const { data, error, status } = await keyedBy(
      this.supabase.rpc('open_support_ticket', {
        subject: parsed.data.subject,
        body: parsed.data.body,
        ...(parsed.data.priority ? { priority: parsed.data.priority } : {}),
      }),
      options,
    );
    if (error) {
      const failure = errorFromPostgrest(error, status);
      const replayed = replayedId(failure);
      if (!replayed) return { data: null, error: failure };
      const original = await this.supabase.from('support_tickets').select('*').eq('id', replayed).single();
      if (original.error) return { data: null, error: errorFromPostgrest(original.error, original.status) };
      return { data: original.data, error: null };
    }
    return { data, error: null };
  }

  /**
   * Your tickets (admins: all), most recent activity first.
   *
   * @example
   * const { data, error } = await kit.support.list({ status: 'open' });
   */
  list(query: TicketQuery = {}): PageRequest<SupportTicket, never> {
    return paged(query, (q) => this.#listPage(q));
  }

  async #listPage(query: TicketQuery): Promise<Result<Page<SupportTicket>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const { page, perPage, from, to } = range;
    let request = this.supabase.from('support_tickets').select('*', { count: 'exact' });
    if (query.status) request = request.eq('status', query.status);
    if (query.assigned_to) request = request.eq('assigned_to', query.assigned_to);
    const { data, error, status, count } = await request.order('last_message_at', { ascending: false }).order('id').range(from, to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, page, perPage), error: null };
  }

  /**
   * A ticket and its messages.
   *
   * @example
   * const { data, error } = await kit.support.get(ticketId);
   * for (const message of data?.messages ?? []) console.log(message.from_staff ? 'staff' : 'you', message.body);
   */
  get(id: string): Promise<Result<TicketThread, never>>;
  async get(id: string): Promise<Result<TicketThread>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return { data: null, error: invalidId };
    const ticket = await this.supabase.from('support_tickets').select('*').eq('id', id).maybeSingle();
    if (ticket.error) return { data: null, error: errorFromPostgrest(ticket.error, ticket.status) };
    if (!ticket.data) return { data: null, error: new SdkApiError('No ticket you may see has this id', 'not_found', 404) };
    const messages = await this.supabase.from('support_messages').select('*').eq('ticket_id', id).order('seq');
    if (messages.error) return { data: null, error: errorFromPostgrest(messages.error, messages.status) };
    return { data: { ticket: ticket.data, messages: messages.data }, error: null };
  }

  /**
   * Replies on a ticket: its user (unless closed) or an admin.
   * Idempotent: a retry with the same `idempotencyKey` (generated when absent; automatic after a network
   * failure) answers the first result; the same key with other fields is `idempotency_key_reused`.
   *
   * @example
   * const { data, error } = await kit.support.reply(ticketId, { body: 'Here is the screenshot.' });
   */
  reply(
    ticketId: string,
    input: { body: string } | undefined,
    options?: MutationOptions,
  ): Promise<Result<SupportMessage, Exclude<TableWriteErrorCodes['support_messages'], 'idempotent_replay'>>>;
  async reply(ticketId: string, input: { body: string } | undefined, options: MutationOptions = {}): Promise<Result<SupportMessage>> {
    const invalidId = checkIds({ ticket_id: ticketId });
    if (invalidId) return { data: null, error: invalidId };
    const text = typeof input?.body === 'string' ? input.body.trim() : '';
    if (text.length < 1 || text.length > 10000) return { data: null, error: new SdkValidationError('Write a message of 1 to 10,000 characters') };
    const invalidKey = badKey(options);
    if (invalidKey) return { data: null, error: invalidKey };
    const { data, error, status } = await keyedBy(this.supabase.from('support_messages').insert({ ticket_id: ticketId, body: text }).select('*'), options).single();
    if (error) {
      const failure = errorFromPostgrest(error, status);
      const replayed = replayedId(failure);
      if (!replayed) return { data: null, error: failure };
      const original = await this.supabase.from('support_messages').select('*').eq('id', replayed).single();
      if (original.error) return { data: null, error: errorFromPostgrest(original.error, original.status) };
      return { data: original.data, error: null };
    }
    return { data, error: null };
  }
}
