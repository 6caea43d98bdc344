/**
 * Helpers for the Storage suites: signed-in users and business accounts (shared with the accounts
 * suites), their storage-js clients (through supabase-js, as an app uses it), an anon client, the
 * service-role client, small image fixtures and raw gateway calls for requests storage-js never sends.
 */
import { randomUUID } from 'node:crypto';
import { createClient as createSupabaseClient, type SupabaseClient } from '@supabase/supabase-js';
import { createBusiness, createUser, serviceClient, sql, type TestBusiness, type TestUser } from '../crm/support.ts';
import { stack } from '../helpers/stack.ts';

export { createBusiness, createUser, serviceClient, sql, stack, type TestBusiness, type TestUser };

/** The storage-js client of a signed-in user. */
export function storageOf(user: TestUser): SupabaseClient['storage'] {
  return user.kit.supabase.storage;
}

/** supabase-js with the publishable key and no session: the anon role. */
export function anonClient(): SupabaseClient {
  return createSupabaseClient(stack.url, stack.publishableKey, { auth: { persistSession: false, autoRefreshToken: false } });
}

/** A minimal valid PNG (1×1), padded to `size` bytes when asked. */
export function png(size = 0): Blob {
  const header = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
  const bytes = size > header.length ? Buffer.concat([header, Buffer.alloc(size - header.length)]) : header;
  return new Blob([bytes], { type: 'image/png' });
}

/** A unique file name for one test. */
export function fileName(ext = 'txt'): string {
  return `${randomUUID().slice(0, 8)}.${ext}`;
}

/** A raw request to the Storage API through the gateway. */
export async function storageFetch(
  path: string,
  init: { method?: string; bearer?: string; headers?: Record<string, string>; body?: BodyInit } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { apikey: stack.publishableKey, ...(init.headers ?? {}) };
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
  const response = await fetch(`${stack.url}/storage/v1${path}`, { method: init.method ?? 'GET', headers, body: init.body });
  const text = await response.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body, headers: response.headers };
}

/** The access token of a signed-in test user. */
export async function tokenOf(user: TestUser): Promise<string> {
  const { data } = await user.kit.supabase.auth.getSession();
  if (!data.session) throw new Error('no session');
  return data.session.access_token;
}

/** The object rows of a bucket whose name starts with `prefix` (as postgres, past RLS). */
export async function objectRows(bucket: string, prefix: string): Promise<{ name: string; owner_id: string | null }[]> {
  return sql(`select name, owner_id from storage.objects where bucket_id = $1 and starts_with(name, $2) order by name`, [bucket, prefix]);
}
