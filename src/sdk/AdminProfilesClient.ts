/**
 * `kit.admin.profiles`: any user's profile — read and edit (never the role: `kit.admin.users.setRole`).
 * The signed-in user's own profile is `kit.profiles.me()` / `updateMe()`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { profileUpdateSchema, type ProfileUpdateInput } from '../../supabase/functions/_shared/schemas/identity.ts';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, SdkApiError, type Result } from './errors.ts';
import type { Profile } from './ProfilesClient.ts';
import { requireAdmin } from './session.ts';
import { checkIds, definedFields, parseInput } from './validation.ts';
import { badKey, keyedBy } from './postgrest.ts';
import type { MutationOptions } from './functions.ts';

export class AdminProfilesClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Any user's profile by id (`not_found` when there is none).
   *
   * @example
   * const { data, error } = await kit.admin.profiles.get('9b2f…');
   */
  get(userId: string): Promise<Result<Profile, never>>;
  async get(userId: string): Promise<Result<Profile>> {
    const invalidId = checkIds({ user_id: userId });
    if (invalidId) return { data: null, error: invalidId };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { data, error, status } = await this.supabase.from('profiles').select('*').eq('id', userId).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No profile you may see has this id', 'not_found', 404) };
    return { data: data as unknown as Profile, error: null };
  }
  /**
   * Changes fields of any user's profile (yours: `kit.profiles.updateMe`). Never the role (`kit.admin.users.setRole`).
   *
   * @example
   * const { data, error } = await kit.admin.profiles.update(userId, { first_name: 'Ana' });
   */
  update(userId: string, changes: ProfileUpdateInput, options?: MutationOptions): Promise<Result<Profile, 'username_taken'>>;
  async update(userId: string, changes: ProfileUpdateInput, options?: MutationOptions): Promise<Result<Profile>> {
    const invalidId = checkIds({ user_id: userId }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const input = parseInput(profileUpdateSchema, changes);
    if (input.error) return { data: null, error: input.error };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { data, error, status } = await keyedBy(this.supabase.from('profiles').update(definedFields(input.data)).eq('id', userId).select('*'), options).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No profile you may edit has this id', 'not_found', 404) };
    return { data: data as unknown as Profile, error: null };
  }
}
