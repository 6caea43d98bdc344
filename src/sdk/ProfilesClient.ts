/**
 * `kit.profiles`: the signed-in user's profile (read and edit), and profiles by id (your own; admins
 * any). Straight through PostgREST: row-level security decides which rows, column privileges which
 * fields (never `role`, `email`, ids or timestamps; the platform role changes only through
 * `kit.admin.users.setRole`).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { profileUpdateSchema, type PlatformRole, type ProfileUpdateInput } from '../../supabase/functions/_shared/schemas/identity.ts';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, SdkApiError, type Result } from './errors.ts';
import { currentUserId } from './session.ts';
import { parseInput } from './validation.ts';

export type { PlatformRole, ProfileUpdateInput };

/** Channels a user accepts notifications on. */
export interface NotificationPreferences {
  email: boolean;
  push: boolean;
  sms: boolean;
  marketing: boolean;
}

/** A `profiles` row, with its JSON column typed. */
export type Profile = Omit<Tables<'profiles'>, 'notification_preferences'> & {
  notification_preferences: NotificationPreferences;
};

export class ProfilesClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * The signed-in user's profile.
   *
   * @example
   * const { data, error } = await kit.profiles.me();
   * if (data) console.log(`${data.first_name} is a ${data.role}`);
   */
  async me(): Promise<Result<Profile>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    return this.get(me.id);
  }

  /**
   * Changes fields of the signed-in user's profile (validated first; `null` clears a field).
   * `notification_preferences` is replaced as a whole.
   *
   * @example
   * const { data, error } = await kit.profiles.updateMe({ city: 'Lisbon', locale: 'pt-PT' });
   * if (error?.code === 'username_taken') console.log('pick another username');
   */
  async updateMe(changes: ProfileUpdateInput): Promise<Result<Profile>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    return this.update(me.id, changes);
  }

  /**
   * A profile by user id: your own, or anyone's for an admin (`not_found` otherwise).
   *
   * @example
   * const { data, error } = await kit.profiles.get('9b2f…');
   */
  async get(userId: string): Promise<Result<Profile>> {
    const { data, error, status } = await this.supabase.from('profiles').select('*').eq('id', userId).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No profile you may see has this id', 'not_found', 404) };
    return { data: data as unknown as Profile, error: null };
  }

  /**
   * Changes fields of a profile by user id: your own, or anyone's for an admin. Never the role.
   *
   * @example
   * const { data, error } = await kit.profiles.update(userId, { first_name: 'Ana' });
   */
  async update(userId: string, changes: ProfileUpdateInput): Promise<Result<Profile>> {
    const input = parseInput(profileUpdateSchema, changes);
    if (input.error) return { data: null, error: input.error };
    const { data, error, status } = await this.supabase
      .from('profiles')
      .update(input.data)
      .eq('id', userId)
      .select('*')
      .maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No profile you may edit has this id', 'not_found', 404) };
    return { data: data as unknown as Profile, error: null };
  }
}
