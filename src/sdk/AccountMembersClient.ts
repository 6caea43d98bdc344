/**
 * `kit.accounts.members`: the people of the current account. Owners and admins (and members holding
 * `manage_members`, for plain members) add members, who get an invite e-mail to set a password
 * (`kit.auth.setUpPassword`). Owners and admins change roles and permissions and deactivate members;
 * the database refuses what nobody may do: changing your own access (`own_access_unchangeable`),
 * touching the owner (`owner_protected`), granting `owner` (`owner_role_not_grantable`). Members
 * change their own name, phone and job title here and their password with `kit.auth.changePassword`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { memberInviteSchema, type AccountPermission, type AccountRole, type MemberInviteInput } from '../../supabase/functions/_shared/schemas/accounts.ts';
import { phoneField } from '../../supabase/functions/_shared/schemas/identity.ts';
import type { AccountContext } from './AccountContext.ts';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, SdkApiError, SdkValidationError, type AccountChoiceErrorCode, type FunctionErrorCodes, type TableWriteErrorCodes } from './errors.ts';
import { invokeMutation, type MutationOptions } from './functions.ts';
import { paged, type PageRequest, toPage, type Page, type PageQuery } from './pages.ts';
import { currentUserId } from './session.ts';
import { checkIds, parseInput } from './validation.ts';
import { badKey, keyedBy, pageOf } from './postgrest.ts';

export type { AccountPermission, AccountRole, MemberInviteInput };

/** An `account_members` row. */
export type Member = Tables<'account_members'>;

/** Filters of the member list. */
export interface MemberListQuery extends PageQuery {
  role?: AccountRole;
  /** true: active members only; false: deactivated only. */
  active?: boolean;
  /** Part of the name or e-mail. */
  search?: string;
  batch_id?: string;
}

/** What a member may change about themselves (and owners/admins about others). */
export interface MemberProfileUpdate {
  full_name?: string;
  phone?: string | null;
  job_title?: string | null;
}

/** A new role and/or permission set for a member. */
export interface MemberAccessUpdate {
  role?: Exclude<AccountRole, 'owner'>;
  permissions?: AccountPermission[];
}

/** Escapes LIKE's wildcards so a search term is taken literally. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function checkProfile(changes: MemberProfileUpdate): SdkValidationError | null {
  const fieldErrors: Record<string, string[]> = {};
  for (const key of Object.keys(changes)) {
    if (!['full_name', 'phone', 'job_title'].includes(key)) fieldErrors[key] = ['Unknown field'];
  }
  if (changes.full_name !== undefined && (changes.full_name.trim() === '' || changes.full_name.length > 120)) fieldErrors.full_name = ['Use 1 to 120 characters'];
  if (changes.job_title && changes.job_title.length > 120) fieldErrors.job_title = ['At most 120 characters'];
  if (changes.phone && !phoneField.safeParse(changes.phone).success) fieldErrors.phone = ['Use the international format, e.g. +14155550123'];
  const empty = Object.keys(changes).length === 0;
  if (Object.keys(fieldErrors).length === 0 && !empty) return null;
  return new SdkValidationError('Some fields are not valid', { fieldErrors, formErrors: empty ? ['Nothing to update'] : [] });
}

export class AccountMembersClient {
  constructor(
    private readonly supabase: SupabaseClient<Database>,
    private readonly context: AccountContext,
  ) {}

  /**
   * The current account's members (a deactivated member sees only themselves), by name.
   *
   * @example
   * const { data, error } = await kit.accounts.members.list({ role: 'member', active: true, search: 'ana' });
   */
  list(query: MemberListQuery = {}): PageRequest<Member, AccountChoiceErrorCode> {
    return paged(query, (q) => this.#listPage(q));
  }

  async #listPage(query: MemberListQuery): Promise<Result<Page<Member>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const account = await this.context.resolve();
    if (account.error) return account;
    let request = this.supabase.from('account_members').select('*', { count: 'exact' }).eq('account_id', account.data);
    if (query.role) request = request.eq('role', query.role);
    if (query.active !== undefined) request = request.eq('is_active', query.active);
    if (query.batch_id) request = request.eq('batch_id', query.batch_id);
    if (query.search?.trim()) {
      const pattern = likePattern(query.search.trim());
      request = request.or(`full_name.ilike."${pattern}",email.ilike."${pattern}"`);
    }
    const { data, error, status, count } = await request.order('full_name').order('user_id').range(range.from, range.to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, range.page, range.perPage), error: null };
  }

  /**
   * Your own membership in the current account.
   *
   * @example
   * const { data, error } = await kit.accounts.members.me();
   * console.log(data?.role, data?.permissions);
   */
  me(): Promise<Result<Member, AccountChoiceErrorCode>>;
  async me(): Promise<Result<Member>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    return this.get(me.id);
  }

  /**
   * One member of the current account by user id.
   *
   * @example
   * const { data, error } = await kit.accounts.members.get(userId);
   */
  get(userId: string): Promise<Result<Member, AccountChoiceErrorCode>>;
  async get(userId: string): Promise<Result<Member>> {
    const invalidId = checkIds({ user_id: userId });
    if (invalidId) return { data: null, error: invalidId };
    const account = await this.context.resolve();
    if (account.error) return account;
    const { data, error, status } = await this.supabase.from('account_members').select('*').eq('account_id', account.data).eq('user_id', userId).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No member you may see has this id', 'not_found', 404) };
    return { data, error: null };
  }

  /**
   * Adds a member to the current account; they get an invite e-mail to set a password. `already_exists`
   * when the e-mail belongs to a user already; `forbidden` when you may not add this member.
   *
   * @example
   * const { data, error } = await kit.accounts.members.add({ email: 'coach@acme.test', full_name: 'Cora Coach', permissions: ['view_payments'] });
   */
  add(
    input: Omit<MemberInviteInput, 'account_id'> & { account_id?: string },
    options?: MutationOptions,
  ): Promise<Result<{ member: Member }, FunctionErrorCodes['account-members'] | AccountChoiceErrorCode>>;
  async add(input: Omit<MemberInviteInput, 'account_id'> & { account_id?: string }, options: MutationOptions = {}): Promise<Result<{ member: Member }>> {
    const account = await this.context.resolve(input.account_id);
    if (account.error) return account;
    const parsed = parseInput(memberInviteSchema, { ...input, account_id: account.data });
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation(this.supabase, 'account-members', parsed.data, options);
  }

  /**
   * Changes a member's role and/or permissions (owners and admins; never your own, never the owner's).
   * Managing permissions imply viewing ones (`manage_payments` adds `view_payments`).
   *
   * @example
   * const { data, error } = await kit.accounts.members.setAccess(userId, { permissions: ['view_all_clients', 'manage_payments'] });
   * if (error?.code === 'own_access_unchangeable') console.log('ask another admin');
   */
  setAccess(userId: string, changes: MemberAccessUpdate, options?: MutationOptions): Promise<Result<Member, TableWriteErrorCodes['account_members'] | AccountChoiceErrorCode>>;
  setAccess(userId: string, changes: MemberAccessUpdate, options?: MutationOptions): Promise<Result<Member>> {
    const invalidId = checkIds({ user_id: userId });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    if (changes.role === undefined && changes.permissions === undefined) {
      return Promise.resolve({ data: null, error: new SdkValidationError('Some fields are not valid', { fieldErrors: {}, formErrors: ['Nothing to update'] }) });
    }
    return this.#patch(userId, changes, options);
  }

  /**
   * Deactivates a member: they keep their row and assignments but can use nothing in the account.
   *
   * @example
   * const { error } = await kit.accounts.members.deactivate(userId);
   */
  deactivate(userId: string, options?: MutationOptions): Promise<Result<Member, TableWriteErrorCodes['account_members'] | AccountChoiceErrorCode>>;
  deactivate(userId: string, options?: MutationOptions): Promise<Result<Member>> {
    const invalidId = checkIds({ user_id: userId });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    return this.#patch(userId, { is_active: false }, options);
  }

  /**
   * Reactivates a deactivated member.
   *
   * @example
   * const { error } = await kit.accounts.members.reactivate(userId);
   */
  reactivate(userId: string, options?: MutationOptions): Promise<Result<Member, TableWriteErrorCodes['account_members'] | AccountChoiceErrorCode>>;
  reactivate(userId: string, options?: MutationOptions): Promise<Result<Member>> {
    const invalidId = checkIds({ user_id: userId });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    return this.#patch(userId, { is_active: true }, options);
  }

  /**
   * Changes a member's name, phone or job title (owners and admins; for yourself use `updateMe`).
   *
   * @example
   * const { data, error } = await kit.accounts.members.update(userId, { job_title: 'Head coach' });
   */
  update(userId: string, changes: MemberProfileUpdate, options?: MutationOptions): Promise<Result<Member, TableWriteErrorCodes['account_members'] | AccountChoiceErrorCode>>;
  update(userId: string, changes: MemberProfileUpdate, options?: MutationOptions): Promise<Result<Member>> {
    const invalidId = checkIds({ user_id: userId });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    const invalid = checkProfile(changes);
    if (invalid) return Promise.resolve({ data: null, error: invalid });
    return this.#patch(userId, changes, options);
  }

  /**
   * Changes your own name, phone or job title in the current account.
   *
   * @example
   * const { data, error } = await kit.accounts.members.updateMe({ phone: '+14155550123' });
   */
  updateMe(changes: MemberProfileUpdate, options?: MutationOptions): Promise<Result<Member, TableWriteErrorCodes['account_members'] | AccountChoiceErrorCode>>;
  async updateMe(changes: MemberProfileUpdate, options?: MutationOptions): Promise<Result<Member>> {
    const invalid = checkProfile(changes);
    if (invalid) return { data: null, error: invalid };
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    return this.#patch(me.id, changes, options);
  }

  async #patch(userId: string, changes: Database['public']['Tables']['account_members']['Update'], options?: MutationOptions): Promise<Result<Member>> {
    const invalidId = checkIds({ user_id: userId }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const account = await this.context.resolve();
    if (account.error) return account;
    const { data, error, status } = await keyedBy(
      this.supabase.from('account_members').update(changes).eq('account_id', account.data).eq('user_id', userId).select('*'),
      options,
    ).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No member you may change has this id', 'not_found', 404) };
    return { data, error: null };
  }
}
