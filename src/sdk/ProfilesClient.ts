/**
 * `kit.profiles`: the signed-in user's profile (read and edit; other users' profiles are
 * `kit.admin.profiles`). Straight through PostgREST: row-level security decides which rows, column privileges which
 * fields (never `role`, `email`, ids or timestamps; the platform role changes only through
 * `kit.admin.users.setRole`).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { profileUpdateSchema, type PlatformRole, type ProfileUpdateInput } from '../../supabase/functions/_shared/schemas/identity.ts';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, SdkApiError, type Result, type StorageErrorCode } from './errors.ts';
import { currentUserId } from './session.ts';
import { errorFromStorage } from './StorageFolder.ts';
import { definedFields, checkIds, parseInput } from './validation.ts';
import { badKey, keyedBy } from './postgrest.ts';
import type { MutationOptions } from './functions.ts';

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
  me(): Promise<Result<Profile, never>>;
  async me(): Promise<Result<Profile>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    return this.#get(me.id);
  }

  /**
   * Changes fields of the signed-in user's profile (validated first; `null` clears a field).
   * `notification_preferences` is replaced as a whole.
   *
   * @example
   * const { data, error } = await kit.profiles.updateMe({ city: 'Lisbon', locale: 'pt-PT' });
   * if (error?.code === 'username_taken') console.log('pick another username');
   */
  updateMe(changes: ProfileUpdateInput, options?: MutationOptions): Promise<Result<Profile, 'username_taken'>>;
  async updateMe(changes: ProfileUpdateInput, options?: MutationOptions): Promise<Result<Profile>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    return this.#update(me.id, changes, options);
  }

  /**
   * Uploads your profile picture (PNG, JPEG or WebP, at most 2 MB) to the public `avatars` bucket as
   * `avatars/<your id>/avatar.<ext>`, removes a previous one of another type, and points
   * `avatar_url` at the new public URL (with a version, so caches refresh).
   *
   * @example
   * const { data, error } = await kit.profiles.uploadAvatar(fileInput.files[0]);
   * if (error?.code === 'payload_too_large') console.log('2 MB at most');
   * else if (data) img.src = data.avatar_url!;
   */
  uploadAvatar(file: Blob, options?: { contentType?: string }): Promise<Result<Profile, StorageErrorCode>>;
  async uploadAvatar(file: Blob, options: { contentType?: string } = {}): Promise<Result<Profile>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    const contentType = options.contentType ?? file.type;
    const extension = Object.hasOwn(AVATAR_EXTENSIONS, contentType) ? AVATAR_EXTENSIONS[contentType] : undefined;
    if (!extension) {
      return { data: null, error: new SdkApiError('A profile picture is a PNG, JPEG or WebP image', 'unsupported_media_type', 415, { contentType }) };
    }
    const avatars = this.supabase.storage.from('avatars');
    const path = `${me.id}/avatar.${extension}`;
    const uploaded = await avatars.upload(path, file, { upsert: true, contentType, cacheControl: '3600' });
    if (uploaded.error) return { data: null, error: errorFromStorage(uploaded.error) };
    const previous = await avatars.list(me.id);
    const stale = (previous.data ?? []).filter((f) => f.id && f.name !== `avatar.${extension}`).map((f) => `${me.id}/${f.name}`);
    if (stale.length) await avatars.remove(stale);
    const url = `${avatars.getPublicUrl(path).data.publicUrl}?v=${encodeURIComponent(uploaded.data.id)}-${Date.now().toString(36)}`;
    return this.updateMe({ avatar_url: url });
  }

  /** A profile by id, as row-level security shows it (your own). */
  async #get(userId: string): Promise<Result<Profile>> {
    const invalidId = checkIds({ user_id: userId });
    if (invalidId) return { data: null, error: invalidId };
    const { data, error, status } = await this.supabase.from('profiles').select('*').eq('id', userId).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No profile you may see has this id', 'not_found', 404) };
    return { data: data as unknown as Profile, error: null };
  }

  /** Changes a profile by id, as row-level security allows (your own). */
  async #update(userId: string, changes: ProfileUpdateInput, options?: MutationOptions): Promise<Result<Profile>> {
    const invalidId = checkIds({ user_id: userId }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const input = parseInput(profileUpdateSchema, changes);
    if (input.error) return { data: null, error: input.error };
    const { data, error, status } = await keyedBy(this.supabase.from('profiles').update(definedFields(input.data)).eq('id', userId).select('*'), options).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No profile you may edit has this id', 'not_found', 404) };
    return { data: data as unknown as Profile, error: null };
  }
}

/** The avatars bucket's types and the extension each is stored under (the bucket policy checks they agree). */
const AVATAR_EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };
