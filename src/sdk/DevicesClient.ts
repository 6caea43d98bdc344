/**
 * `kit.auth.devices`: the signed-in user's sign-in devices (one per browser/app user agent), recorded
 * by the database from Auth sessions, and signing one of them out.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { pagedFromAll, type PageQuery, type PageRequest } from './pages.ts';
import { checkIds } from './validation.ts';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result } from './errors.ts';
import { currentUserId } from './session.ts';
import { badKey, keyedBy } from './postgrest.ts';
import type { MutationOptions } from './functions.ts';

/** A sign-in device: user agent, last IP, first/last seen, open sessions, new-device flag. */
export type Device = Omit<Tables<'devices'>, 'ip'> & { ip: string | null };

export class DevicesClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * The signed-in user's devices, most recently seen first. `is_new_device` marks a device whose first
   * sign-in came after the user already had another one.
   *
   * @example
   * const { data, error } = await kit.auth.devices.list();
   * for (const d of data?.items ?? []) console.log(d.user_agent, d.last_seen_at, d.is_new_device ? 'new!' : '');
   */
  list(query: PageQuery = {}): PageRequest<Device, never> {
    return pagedFromAll(query, () => this.#listAll());
  }

  async #listAll(): Promise<Result<Device[]>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    const { data, error, status } = await this.supabase.from('devices').select('*').eq('user_id', me.id).order('last_seen_at', { ascending: false });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as Device[], error: null };
  }

  /**
   * Signs a device out: ends every Auth session it holds (refresh tokens stop working; access tokens
   * already issued run out on their own). `not_found` if the device is not yours. To sign out the device
   * you are on, `kit.auth.signOut()` also clears the local session.
   *
   * @example
   * const { data, error } = await kit.auth.devices.signOut(device.id);
   * if (data) console.log(`${data.sessions_ended} session(s) ended`);
   */
  signOut(deviceId: string, options?: MutationOptions): Promise<Result<{ sessions_ended: number }, /*rpc sign_out_device*/ never>>;
  async signOut(deviceId: string, options?: MutationOptions): Promise<Result<{ sessions_ended: number }>> {
    const invalidId = checkIds({ device_id: deviceId }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const { data, error, status } = await keyedBy(this.supabase.rpc('sign_out_device', { device_id: deviceId }), options);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: { sessions_ended: data }, error: null };
  }
}
