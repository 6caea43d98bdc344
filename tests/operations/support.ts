/**
 * Helpers for the operations suites: SDK clients of their own, signed-in users of any platform role,
 * the service-role SDK client (job-worker, metrics), and direct database access for jobs.
 */
import { randomInt } from 'node:crypto';
import { createClient as createSupabaseClient } from '@supabase/supabase-js';
import { createClient, type KitClient, type PlatformRole } from '../../src/sdk/index.ts';
import { sql } from '../helpers/db.ts';
import { strongPassword } from '../helpers/http.ts';
import { stack, uniqueEmail } from '../helpers/stack.ts';

export { sql, stack };

const options = () => ({
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  global: { headers: { 'X-Forwarded-For': `198.51.100.${randomInt(1, 255)}` } },
});

/** An SDK client with the publishable key. */
export function kit(): KitClient {
  return createClient(stack.url, stack.publishableKey, options());
}

/** An SDK client with the secret (service-role) key: what an operator's backend uses. */
export function operatorKit(): KitClient {
  return createClient(stack.url, stack.secretKey, options());
}

export interface TestUser {
  id: string;
  kit: KitClient;
  accessToken: string;
}

/** A confirmed, signed-in user of `role`. */
export async function createUser(role: PlatformRole = 'client'): Promise<TestUser> {
  const email = uniqueEmail(`ops-${role.replace('_', '-')}`);
  const password = strongPassword();
  const admin = createSupabaseClient(stack.url, stack.secretKey, options());
  const { data, error } = await admin.auth.admin.createUser({ email, password, email_confirm: true, app_metadata: { role } });
  if (error) throw new Error(`creating ${email} failed: ${error.message}`);
  if (role !== 'client') await sql('update public.profiles set role = $2 where id = $1', [data.user.id, role]);
  const client = kit();
  const signedIn = await client.supabase.auth.signInWithPassword({ email, password });
  if (signedIn.error) throw new Error(`signing ${email} in failed: ${signedIn.error.message}`);
  return { id: data.user.id, kit: client, accessToken: signedIn.data.session.access_token };
}

export interface WorkerReport {
  worker: string;
  claimed: number;
  succeeded: number;
  retrying: number;
  failed: number;
  lost: number;
  jobs: { id: string; type: string; attempt: number; outcome: string; error?: string }[];
}

/** POSTs to the job-worker function with the secret key (or the given headers). */
export async function callWorker(
  body: unknown = {},
  headers: Record<string, string> = { apikey: stack.secretKey },
): Promise<{ status: number; body: WorkerReport & { error?: { code: string } } }> {
  const response = await fetch(`${stack.url}/functions/v1/job-worker`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Enqueues `count` diagnostics.echo jobs tagged `tag`; answers their ids. */
export async function enqueueEcho(
  count: number,
  payload: Record<string, unknown>,
  jobOptions: { maxAttempts?: number; backoffSeconds?: number; ownerId?: string } = {},
): Promise<string[]> {
  const rows = await sql<{ id: string }>(`select (private.enqueue_job('diagnostics.echo', $1::jsonb, $2, null, $3, null, $4)).id from generate_series(1, $5)`, [
    JSON.stringify(payload),
    jobOptions.ownerId ?? null,
    jobOptions.maxAttempts ?? 5,
    jobOptions.backoffSeconds ?? 10,
    count,
  ]);
  return rows.map((row) => row.id);
}

export interface JobRow {
  id: string;
  status: string;
  attempts: number;
  result: unknown;
  last_error: string | null;
  run_after: Date;
}

export async function jobsById(ids: string[]): Promise<JobRow[]> {
  return sql<JobRow>('select id, status::text, attempts, result, last_error, run_after from private.jobs where id = any($1::uuid[]) order by id', [ids]);
}
