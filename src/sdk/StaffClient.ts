/**
 * `kit.staff`: CRM staff management as seed 002's employees work. Owners and admins create an
 * employee with a password (signs in at once; default permissions `view_all_clients` +
 * `view_payments`), set a member's password (the member is signed out everywhere), and remove a
 * member with their coach/closer/setter assignments kept as history or moved to another member.
 * Everything else about members (list, access, deactivate) is `kit.accounts.members`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { employeeCreateSchema, memberPasswordSchema, type EmployeeCreateInput, type MemberPasswordInput } from '../../supabase/functions/_shared/schemas/staff.ts';
import type { AccountContext } from './AccountContext.ts';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, type FunctionErrorCodes, type AccountChoiceErrorCode, type RpcErrorCodes } from './errors.ts';
import { invokeMutation, type MutationOptions } from './functions.ts';
import { parseInput, checkIds, invalidField } from './validation.ts';
import { badKey, keyedBy } from './postgrest.ts';

export type { EmployeeCreateInput, MemberPasswordInput };

/** What happens to a removed member's client assignments. */
export type AssignmentsOnRemoval = { assignments: 'keep_history' } | { assignments: 'reassign'; reassign_to: string };

/** The outcome of removing a member. */
export interface MemberRemoval {
  user_id: string;
  account_id: string;
  assignments: 'keep_history' | 'reassign';
  reassigned_to: string | null;
  history_rows: number;
  clients_reassigned: number;
}

/** A `crm_assignment_history` row. */
export type AssignmentHistoryEntry = Tables<'crm_assignment_history'>;

export class StaffClient {
  constructor(
    private readonly supabase: SupabaseClient<Database>,
    private readonly context: AccountContext,
  ) {}

  /**
   * Creates an employee of the current account with a password: active at once (pass
   * `is_active: false` to create them inactive), e-mail confirmed. `already_exists` when the e-mail
   * belongs to a user.
   *
   * @example
   * const { data, error } = await kit.staff.create({ email: 'jane@acme.test', password: 'secure-password-1', full_name: 'Jane Smith', job_title: 'Sales Manager' });
   */
  create(
    input: Omit<EmployeeCreateInput, 'account_id'> & { account_id?: string },
    options?: MutationOptions,
  ): Promise<Result<{ member: Tables<'account_members'> }, FunctionErrorCodes['account-staff'] | AccountChoiceErrorCode>>;
  async create(input: Omit<EmployeeCreateInput, 'account_id'> & { account_id?: string }, options: MutationOptions = {}): Promise<Result<{ member: Tables<'account_members'> }>> {
    const account = await this.context.resolve(input.account_id);
    if (account.error) return account;
    const parsed = parseInput(employeeCreateSchema, { ...input, account_id: account.data });
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation(this.supabase, 'account-staff', parsed.data, options);
  }

  /**
   * Sets a member's password and signs them out everywhere. `member_not_managed` for a member who also
   * belongs elsewhere or holds a platform role (they reset their own).
   *
   * @example
   * const { data, error } = await kit.staff.setPassword(userId, { password: 'new-secure-password-2' });
   */
  setPassword(
    userId: string,
    input: { password: string },
    options?: MutationOptions & { account_id?: string },
  ): Promise<Result<{ password_set: true; sessions_ended: number }, FunctionErrorCodes['account-staff'] | AccountChoiceErrorCode>>;
  async setPassword(
    userId: string,
    input: { password: string },
    options: MutationOptions & { account_id?: string } = {},
  ): Promise<Result<{ password_set: true; sessions_ended: number }>> {
    const invalid = checkIds({ userId });
    if (invalid) return { data: null, error: invalid };
    const account = await this.context.resolve(options.account_id);
    if (account.error) return account;
    const parsed = parseInput(memberPasswordSchema, { account_id: account.data, user_id: userId, password: input.password } satisfies MemberPasswordInput);
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation(this.supabase, 'account-staff/password', parsed.data, options);
  }

  /**
   * Removes a member from the current account. Their assignments are recorded in the assignment
   * history and cleared (`keep_history`, the default) or moved to `reassign_to`. Idempotent: a retry
   * with the call's `Idempotency-Key` answers the first removal, not `member_not_found`.
   *
   * @example
   * const { data, error } = await kit.staff.remove(userId, { assignments: 'reassign', reassign_to: otherUserId });
   */
  remove(
    userId: string,
    input?: AssignmentsOnRemoval & { account_id?: string },
    options?: MutationOptions,
  ): Promise<Result<MemberRemoval, RpcErrorCodes['remove_account_member'] | AccountChoiceErrorCode>>;
  async remove(userId: string, input: AssignmentsOnRemoval & { account_id?: string } = { assignments: 'keep_history' }, options?: MutationOptions): Promise<Result<MemberRemoval>> {
    const invalid = checkIds({ userId }) ?? badKey(options);
    if (invalid) return { data: null, error: invalid };
    if (input.assignments === 'reassign' && !input.reassign_to) {
      return { data: null, error: invalidField('reassign_to', 'Required') };
    }
    const account = await this.context.resolve(input.account_id);
    if (account.error) return account;
    const { data, error, status } = await keyedBy(
      this.supabase.rpc('remove_account_member', {
        account_id: account.data,
        user_id: userId,
        assignments: input.assignments,
        ...(input.assignments === 'reassign' ? { reassign_to: input.reassign_to } : {}),
      }),
      options,
    );
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as unknown as MemberRemoval, error: null };
  }

  /**
   * Former assignments of the current account's clients (of removed members), newest first.
   *
   * @example
   * const { data, error } = await kit.staff.assignmentHistory({ client_id: clientId });
   */
  assignmentHistory(query?: { client_id?: string; member_id?: string }): Promise<Result<AssignmentHistoryEntry[], AccountChoiceErrorCode>>;
  async assignmentHistory(query: { client_id?: string; member_id?: string } = {}): Promise<Result<AssignmentHistoryEntry[]>> {
    const account = await this.context.resolve();
    if (account.error) return account;
    let request = this.supabase.from('crm_assignment_history').select('*').eq('account_id', account.data);
    if (query.client_id) request = request.eq('client_id', query.client_id);
    if (query.member_id) request = request.eq('member_id', query.member_id);
    const { data, error, status } = await request.order('id', { ascending: false });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }
}
