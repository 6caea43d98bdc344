/** The signed-in user of a supabase-js client, for calls that act on "my" rows. */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { errorFromAuth, SdkApiError, type SdkError } from './errors.ts';

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
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return null;
  }
}
