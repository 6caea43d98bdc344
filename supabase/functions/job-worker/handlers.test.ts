import assert from 'node:assert/strict';
import { edgeHandlers, PermanentJobError } from './handlers.ts';

const job = (attempts: number, payload: Record<string, unknown>) => ({ id: 'j', type: 'diagnostics.echo', payload, attempts, max_attempts: 5, lease_token: 't' });

Deno.test('diagnostics.echo fails its first fail_times attempts, then echoes the message', async () => {
  const echo = edgeHandlers['diagnostics.echo']!;
  await assert.rejects(echo(job(1, { fail_times: 1, message: 'hi' })), /fail attempt 1 of 1/);
  assert.deepEqual(await echo(job(2, { fail_times: 1, message: 'hi' })), { message: 'hi', attempt: 2 });
});

Deno.test('diagnostics.echo only delays the first delay_attempts attempts', async () => {
  const started = performance.now();
  await edgeHandlers['diagnostics.echo']!(job(2, { delay_ms: 60_000, delay_attempts: 1 }));
  assert.ok(performance.now() - started < 1000);
});

Deno.test('accounts.send_batch_invites fails for good without a batch id (no retries)', async () => {
  await assert.rejects(edgeHandlers['accounts.send_batch_invites']!({ ...job(1, {}), type: 'accounts.send_batch_invites' }), PermanentJobError);
});

Deno.test('tasks.add fails for good on bad input, which addTask throws synchronously', async () => {
  await assert.rejects(edgeHandlers['tasks.add']!({ ...job(1, { a: 'x', b: 2 }), type: 'tasks.add' }), PermanentJobError);
  assert.deepEqual(await edgeHandlers['tasks.add']!({ ...job(1, { a: 1, b: 2 }), type: 'tasks.add' }), { result: 3 });
});
