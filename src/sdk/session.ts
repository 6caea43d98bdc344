/** The signed-in user of a supabase-js client, for calls that act on "my" rows. */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { errorFromAuth, errorFromPostgrest, SdkApiError, type SdkError } from './errors.ts';

/** The current user's id, or an `unauthorized` error when nobody is signed in. */
export async function currentUserId(supabase: SupabaseClient<Database>): Promise<{ id: string; error: null } | { id: null; error: SdkError }> {
  const { data, error } = await supabase.auth.getSession();
  if (error) return { id: null, error: errorFromAuth(error) };
  const id = data.session?.user.id;
  if (!id) return { id: null, error: new SdkApiError('Sign in first: there is no session', 'unauthorized', 401) };
  return { id, error: null };
}

/** The claims of an access token, read without verifying it (the servers verify; this is for display). */
export function decodeClaims(accessToken: string): Record<string, unknown> | null {
  const payload = accessToken.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * The signed-in user's id when they are a platform admin (asked of the database, not the token, so a
 * role change applies at once); `unauthorized` when signed out, `forbidden` otherwise. Admin lists
 * call it first so a non-admin gets `forbidden` rather than the empty page row-level security shows.
 * The database still enforces every rule; this only shapes the answer.
 */
export async function requireAdmin(supabase: SupabaseClient<Database>): Promise<{ id: string; error: null } | { id: null; error: SdkError }> {
  const me = await currentUserId(supabase);
  if (me.error) return me;
  const { data, error, status } = await supabase.from('profiles').select('role').eq('id', me.id).maybeSingle();
  if (error) return { id: null, error: errorFromPostgrest(error, status) };
  if (data?.role !== 'admin') return { id: null, error: new SdkApiError('Only platform admins may do this', 'forbidden', 403) };
  return { id: me.id, error: null };
}
