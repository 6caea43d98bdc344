/**
 * Supabase clients for functions: the service-role client for the Auth admin API, and the caller's
 * identity from their bearer token (verified here, session and ban included: _shared/auth.ts).
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { type Caller, requireSession } from './auth.ts';
import { database } from './database.ts';
import { HttpError } from './errors.ts';
import { isOpaqueKey, publishableKey, secretKey } from './keys.ts';

function env(name: string): string {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/**
 * A service-role client (Auth admin API), with the secret key (`SUPABASE_SECRET_KEYS`) or else the
 * legacy service-role key. `headers` are sent on every request (e.g. forwarded IP).
 */
export function serviceClient(headers: Record<string, string> = {}): SupabaseClient {
  return createClient(env('SUPABASE_URL'), secretKey(), {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { headers },
  });
}

export type { Caller } from './auth.ts';

/**
 * 401 unless the request carries the access token of a user with a live session: signature, expiry,
 * session and ban are checked here (_shared/auth.ts), never left to the platform's verify_jwt.
 */
export function requireUser(request: Request): Promise<Caller> {
  return requireSession(request);
}

/** 401 without a user, 403 unless the database says the user is an active admin. */
export async function requireAdmin(request: Request): Promise<Caller> {
  const caller = await requireUser(request);
  const [row] = await database()<{ ok: boolean }[]>`select private.is_active_admin(${caller.id}) as ok`;
  if (!row?.ok) throw new HttpError('forbidden', 'Only an admin can do this');
  return caller;
}

let autoconfirm: { value: boolean; at: number } | undefined;

/** Whether Auth confirms e-mail addresses at sign-up by itself (`GET /auth/v1/settings`), cached a minute. */
export async function mailerAutoconfirm(): Promise<boolean> {
  if (autoconfirm && Date.now() - autoconfirm.at < 60_000) return autoconfirm.value;
  const response = await fetch(`${env('SUPABASE_URL')}/auth/v1/settings`, { headers: { apikey: publishableKey() } });
  if (!response.ok) throw new Error(`GET /auth/v1/settings answered ${response.status}`);
  const settings = (await response.json()) as { mailer_autoconfirm?: boolean };
  autoconfirm = { value: settings.mailer_autoconfirm === true, at: Date.now() };
  return autoconfirm.value;
}

/** Auth's own endpoints called as the user (not wrapped by supabase-js admin): `PUT /user`, `POST /resend`. */
export async function authRequest(
  path: string,
  init: { method: string; body: unknown; accessToken?: string; headers?: Record<string, string> },
): Promise<{ status: number; body: { code?: string; message?: string; msg?: string; weak_password?: { reasons?: string[] } } }> {
  const key = publishableKey();
  // The caller's token, or the legacy anon JWT; an opaque `sb_` key is never a bearer (the gateway
  // derives the role from `apikey` instead).
  const bearer = init.accessToken ?? (isOpaqueKey(key) ? undefined : key);
  const response = await fetch(`${env('SUPABASE_URL')}/auth/v1${path}`, {
    method: init.method,
    headers: {
      apikey: key,
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      'content-type': 'application/json',
      'x-supabase-api-version': '2024-01-01',
      // Last: forwardedHeaders() vouches for the user's address with the secret key as `apikey`.
      ...init.headers,
    },
    body: JSON.stringify(init.body),
  });
  const body = await response.json().catch(() => ({}));
  return { status: response.status, body };
}
