/**
 * `kit.admin.users`: platform staff manage users — list with filters and pages, create another admin
 * (ready to use, or invited by e-mail), change a platform role, ban and unban. Every call is checked in
 * the database against the caller's own role; non-admins get `forbidden`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import {
  adminRegistrationSchema,
  banSchema,
  platformRoles,
  userListQuerySchema,
  type AdminRegistrationInput,
  type PlatformRole,
  type UserListQuery,
} from '../../supabase/functions/_shared/schemas/identity.ts';
import type { RegisteredUser } from './AuthClient.ts';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result, type RpcErrorCodes, type FunctionErrorCodes } from './errors.ts';
import { invokeMutation, type MutationOptions } from './functions.ts';
import type { Profile } from './ProfilesClient.ts';
import { paged, toPage, type Page, type PageRequest } from './pages.ts';
import { checkEnum, checkIds, parseInput } from './validation.ts';
import { badKey, keyedBy } from './postgrest.ts';

export type { AdminRegistrationInput, UserListQuery };

type AdminUserRow = Database['public']['Functions']['admin_list_users']['Returns'][number];

/**
 * A user as the admin list shows it: profile basics plus Auth's confirmation, last sign-in and ban.
 * The generated types declare every column a string; these may be null in reality.
 */
export type AdminUser = Omit<AdminUserRow, 'total_count' | 'first_name' | 'last_name' | 'username' | 'phone' | 'banned_until' | 'last_sign_in_at' | 'email_confirmed_at'> & {
  /** Null for users created without a name (e.g. through the Auth admin API). */
  first_name: string | null;
  last_name: string | null;
  username: string | null;
  phone: string | null;
  banned_until: string | null;
  last_sign_in_at: string | null;
  email_confirmed_at: string | null;
};

export class AdminUsersClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Lists users, newest first. Filters: `role`, `search` (first/last name, username, e-mail, any part),
   * `from` ≤ created < `to` (dates or date-times); pages of `per_page` (default 50, max 1000) from `page` 1.
   * Await it for one page, or iterate it with `for await` for every user.
   *
   * @example
   * const { data, error } = await kit.admin.users.list({ role: 'tool_creator', search: 'kim', page: 1, per_page: 20 });
   * console.log(`${data?.total} creators match`);
   */
  list(query: UserListQuery = {}): PageRequest<AdminUser, RpcErrorCodes['admin_list_users']> {
    return paged(query, (q) => this.#listPage(q));
  }

  async #listPage(query: UserListQuery): Promise<Result<Page<AdminUser>>> {
    const parsed = parseInput(userListQuerySchema, query);
    if (parsed.error) return { data: null, error: parsed.error };
    const page = parsed.data.page ?? 1;
    const perPage = parsed.data.per_page ?? 50;
    const { data, error, status } = await this.supabase.rpc('admin_list_users', {
      ...(parsed.data.role ? { role_filter: parsed.data.role } : {}),
      ...(parsed.data.search ? { search: parsed.data.search } : {}),
      ...(parsed.data.segment ? { segment: parsed.data.segment } : {}),
      ...(parsed.data.from ? { created_from: parsed.data.from } : {}),
      ...(parsed.data.to ? { created_to: parsed.data.to } : {}),
      page_limit: perPage,
      page_offset: (page - 1) * perPage,
    });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    const rows = data;
    const users: AdminUser[] = rows.map(({ total_count: _total, ...user }) => user);
    return { data: toPage(users, rows[0]?.total_count ?? 0, page, perPage), error: null };
  }

  /**
   * Creates a platform admin. With `password` (+ confirmation) the account is ready; without, the new
   * admin gets an invite e-mail and sets a password with `kit.auth.setUpPassword`.
   *
   * @example
   * const { data, error } = await kit.admin.users.createAdmin({ email: 'ops@example.com', first_name: 'Ops', last_name: 'Team' });
   * if (data?.user.invited_at) console.log('invite sent');
   */
  createAdmin(input: AdminRegistrationInput, options?: MutationOptions): Promise<Result<RegisteredUser, FunctionErrorCodes['register-admin']>>;
  async createAdmin(input: AdminRegistrationInput, options: MutationOptions = {}): Promise<Result<RegisteredUser>> {
    const parsed = parseInput(adminRegistrationSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation(this.supabase, 'register-admin', parsed.data, options);
  }

  /**
   * Changes a user's platform role (not your own: `rule_broken`). The user's token carries the new role
   * after their next refresh; the database applies it at once.
   *
   * @example
   * const { data, error } = await kit.admin.users.setRole(userId, { role: 'tool_creator' });
   */
  setRole(userId: string, input: { role: PlatformRole } | undefined, options?: MutationOptions): Promise<Result<Profile, /*rpc set_user_role*/ never>>;
  async setRole(userId: string, input: { role: PlatformRole } | undefined, options: MutationOptions = {}): Promise<Result<Profile>> {
    const bad = checkIds({ user_id: userId }) ?? checkEnum('role', input?.role, platformRoles) ?? badKey(options);
    if (bad) return { data: null, error: bad };
    const { data, error, status } = await keyedBy(this.supabase.rpc('set_user_role', { user_id: userId, role: input!.role }), options);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as unknown as Profile, error: null };
  }

  /**
   * Bans a user through the Auth admin API — for `durationHours`, or for good — and ends their sessions.
   * Not yourself (`rule_broken`); `not_found` for an unknown id.
   *
   * @example
   * const { data, error } = await kit.admin.users.ban(userId, { durationHours: 24 });
   */
  ban(userId: string, options?: MutationOptions & { durationHours?: number }): Promise<Result<{ user_id: string; banned_until: string | null }, FunctionErrorCodes['ban-user']>>;
  async ban(userId: string, options: MutationOptions & { durationHours?: number } = {}): Promise<Result<{ user_id: string; banned_until: string | null }>> {
    const invalidId = checkIds({ user_id: userId });
    if (invalidId) return { data: null, error: invalidId };
    const { durationHours, ...mutation } = options;
    const parsed = parseInput(banSchema, { user_id: userId, banned: true, ...(durationHours !== undefined ? { duration_hours: durationHours } : {}) });
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation(this.supabase, 'ban-user', parsed.data, mutation);
  }

  /**
   * Lifts a user's ban; they can sign in again.
   *
   * @example
   * const { error } = await kit.admin.users.unban(userId);
   */
  unban(userId: string, options?: MutationOptions): Promise<Result<{ user_id: string; banned_until: string | null }, FunctionErrorCodes['ban-user']>>;
  async unban(userId: string, options: MutationOptions = {}): Promise<Result<{ user_id: string; banned_until: string | null }>> {
    const invalidId = checkIds({ user_id: userId });
    if (invalidId) return { data: null, error: invalidId };
    const parsed = parseInput(banSchema, { user_id: userId, banned: false });
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation(this.supabase, 'ban-user', parsed.data, options);
  }
}
