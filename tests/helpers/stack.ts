/**
 * Where the stack under test is. `npm test` starts an isolated local stack and exports these
 * variables; to target another stack (a running `npm run dev`, or `supabase start`) set them yourself.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\`, or export it`);
  return value;
}

export const stack = {
  url: required('SUPABASE_URL'),
  anonKey: required('SUPABASE_ANON_KEY'),
  serviceRoleKey: required('SUPABASE_SERVICE_ROLE_KEY'),
  publishableKey: required('SUPABASE_PUBLISHABLE_KEY'),
  secretKey: required('SUPABASE_SECRET_KEY'),
  jwtSecret: required('SUPABASE_JWT_SECRET'),
  dbUrl: required('SUPABASE_DB_URL'),
  mailboxUrl: required('SUPABASE_MAILBOX_URL'),
};

/** A supabase-js client that keeps its session in memory only, as a test needs. */
export function client(key: string = stack.publishableKey): SupabaseClient {
  return createClient(stack.url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
}

/** A unique e-mail address for one test, so tests never share users. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}
