/**
 * Per-method error-code unions of API keys, tasks, jobs (yours and the admins'), accounts, usage and
 * revenue: `npm run typecheck` (tsc) checks this file. Each method's `error.code` is what its SQL
 * function, Edge Function or the SDK itself can answer (from the generated catalogue) plus the common
 * codes; plain reads answer only the common codes. A code a method cannot answer does not compile.
 */
import { expectTypeOf } from 'vitest';
import { createClient, type CommonErrorCode, type FunctionErrorCodes, type ResultError } from '../../src/sdk/index.ts';

const kit = createClient('http://127.0.0.1:54321', 'sb_publishable_key');

type CodeOf<P> = ResultError<Awaited<P>> extends { code: infer C } ? C : never;
type Codes<F extends (...args: never[]) => unknown> = CodeOf<ReturnType<F>>;

/** The codes of a call whose SQL function claims the request's Idempotency-Key. */
type KeyCodes = 'idempotency_key_in_use' | 'idempotency_key_reused' | 'invalid_idempotency_key';

export async function apiKeys(): Promise<void> {
  expectTypeOf<Codes<typeof kit.marketplace.apiKeys.create>>().toEqualTypeOf<CommonErrorCode | KeyCodes | 'invalid_expiry' | 'invalid_name' | 'too_many_api_keys'>();
  expectTypeOf<Codes<typeof kit.marketplace.apiKeys.list>>().toEqualTypeOf<CommonErrorCode>();
  expectTypeOf<Codes<typeof kit.marketplace.apiKeys.revoke>>().toEqualTypeOf<CommonErrorCode | KeyCodes | 'api_key_not_found'>();

  const created = await kit.marketplace.apiKeys.create({ name: 'Backend' }, { idempotencyKey: 'k' });
  // A replay answers the key without its secret.
  if (created.data) expectTypeOf(created.data.secret).toEqualTypeOf<string | null>();
  if (created.error?.code === 'too_many_api_keys' || created.error?.code === 'idempotency_key_reused') return;
  // @ts-expect-error creating a key never answers insufficient_points
  if (created.error?.code === 'insufficient_points') return;
}

export async function tasks(): Promise<void> {
  expectTypeOf<Codes<typeof kit.tasks.submit>>().toEqualTypeOf<
    CommonErrorCode | KeyCodes | 'file_not_found' | 'input_too_large' | 'task_not_found' | 'task_quota_exceeded' | 'unknown_task_type'
  >();
  expectTypeOf<Codes<typeof kit.tasks.get>>().toEqualTypeOf<CommonErrorCode | 'task_not_found'>();
  expectTypeOf<Codes<typeof kit.tasks.list>>().toEqualTypeOf<CommonErrorCode>();
  expectTypeOf<Codes<typeof kit.tasks.wait>>().toEqualTypeOf<CommonErrorCode | 'task_not_found' | 'timeout'>();

  const submitted = await kit.tasks.submit({ type: 'add', input: { a: 1, b: 2 } }, { idempotencyKey: 'k' });
  if (submitted.error?.code === 'task_quota_exceeded') return;
  // @ts-expect-error submitting a task never answers unknown_job_type
  if (submitted.error?.code === 'unknown_job_type') return;
}

export async function jobs(): Promise<void> {
  expectTypeOf<Codes<typeof kit.jobs.get>>().toEqualTypeOf<CommonErrorCode | 'job_not_found'>();
  expectTypeOf<Codes<typeof kit.jobs.list>>().toEqualTypeOf<CommonErrorCode | 'invalid_page' | 'invalid_status'>();
  expectTypeOf<Codes<typeof kit.jobs.cancel>>().toEqualTypeOf<CommonErrorCode | KeyCodes | 'invalid_transition' | 'job_not_found'>();
  expectTypeOf<Codes<typeof kit.admin.jobs.list>>().toEqualTypeOf<CommonErrorCode | 'invalid_page' | 'invalid_status'>();
  expectTypeOf<Codes<typeof kit.admin.jobs.enqueue>>().toEqualTypeOf<
    CommonErrorCode | KeyCodes | 'invalid_max_attempts' | 'invalid_payload' | 'job_not_found' | 'unknown_job_type'
  >();
  expectTypeOf<Codes<typeof kit.admin.jobs.cancel>>().toEqualTypeOf<CommonErrorCode | KeyCodes | 'invalid_transition' | 'job_not_found'>();

  const enqueued = await kit.admin.jobs.enqueue({ type: 'diagnostics.echo' }, { idempotencyKey: 'k' });
  if (enqueued.error?.code === 'unknown_job_type') return;
  // @ts-expect-error enqueueing never answers task_quota_exceeded
  if (enqueued.error?.code === 'task_quota_exceeded') return;
}

export async function accounts(): Promise<void> {
  type Resolve = 'no_account' | 'account_not_chosen' | 'account_not_usable';
  expectTypeOf<Codes<typeof kit.accounts.mine>>().toEqualTypeOf<CommonErrorCode>();
  expectTypeOf<Codes<typeof kit.accounts.use>>().toEqualTypeOf<CommonErrorCode | 'account_not_usable'>();
  expectTypeOf<Codes<typeof kit.accounts.current>>().toEqualTypeOf<CommonErrorCode | Resolve>();
  expectTypeOf<Codes<typeof kit.accounts.get>>().toEqualTypeOf<CommonErrorCode | Resolve>();
  expectTypeOf<Codes<typeof kit.accounts.update>>().toEqualTypeOf<CommonErrorCode | Resolve>();
  expectTypeOf<Codes<typeof kit.accounts.register>>().toEqualTypeOf<CommonErrorCode | FunctionErrorCodes['accounts-register']>();
  expectTypeOf<Codes<typeof kit.accounts.createForOwner>>().toEqualTypeOf<CommonErrorCode | FunctionErrorCodes['accounts-register']>();

  const current = await kit.accounts.update({ contact_phone: '+14155550123' });
  if (current.error?.code === 'account_not_chosen') {
    expectTypeOf(current.error.details.accounts).toEqualTypeOf<{ account_id: string; name: string }[]>();
  }
  const named = await kit.accounts.update('00000000-0000-4000-8000-000000000000', { name: 'Acme' });
  // @ts-expect-error changing an account's details never answers slug_taken
  if (named.error?.code === 'slug_taken') return;
  // @ts-expect-error the 0.x order (changes, accountId) is gone
  await kit.accounts.update({ name: 'Acme' }, '00000000-0000-4000-8000-000000000000');
  const registered = await kit.accounts.register({ name: 'Acme Coaching' });
  if (registered.error?.code === 'application_pending' || registered.error?.code === 'slug_taken') return;
}

export async function usage(): Promise<void> {
  expectTypeOf<Codes<typeof kit.marketplace.usage.list>>().toEqualTypeOf<CommonErrorCode>();
  expectTypeOf<Codes<typeof kit.marketplace.usage.get>>().toEqualTypeOf<CommonErrorCode | 'usage_not_found'>();
  expectTypeOf<Codes<typeof kit.marketplace.usage.verifyWithApiKey>>().toEqualTypeOf<CommonErrorCode | FunctionErrorCodes['creator-api']>();
  const verified = await kit.marketplace.usage.verifyWithApiKey('u', { api_key: 'mk_…' });
  if (verified.error?.code === 'api_key_revoked') return;
  // @ts-expect-error verifying a usage never answers insufficient_points
  if (verified.error?.code === 'insufficient_points') return;
  // @ts-expect-error the 0.x order (apiKey, usageId) is gone
  await kit.marketplace.usage.verifyWithApiKey('mk_…', 'u');
}

export async function revenue(): Promise<void> {
  expectTypeOf<Codes<typeof kit.marketplace.revenue.stats>>().toEqualTypeOf<CommonErrorCode | 'invalid_range'>();
  expectTypeOf<Codes<typeof kit.marketplace.revenue.statsWithApiKey>>().toEqualTypeOf<CommonErrorCode | FunctionErrorCodes['creator-api']>();
  const stats = await kit.marketplace.revenue.statsWithApiKey({ api_key: 'mk_…', from: '2026-11-01' });
  if (stats.error?.code === 'api_key_expired') return;
  // @ts-expect-error reading revenue never answers payout_exceeds_available
  if (stats.error?.code === 'payout_exceeds_available') return;
  // @ts-expect-error the 0.x order (apiKey, range) is gone
  await kit.marketplace.revenue.statsWithApiKey('mk_…', { from: '2026-11-01' });
}
