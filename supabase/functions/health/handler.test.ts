import assert from 'node:assert/strict';
import postgres from 'postgres';
import { closeDatabase } from '../_shared/database.ts';
import { VERSION } from '../_shared/version.ts';
import { checkDatabase, handleHealth } from './handler.ts';

Deno.test('health should answer ok with the version when the database answers', async () => {
  const response = await handleHealth(new Request('http://local/health'));
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: 'ok', version: VERSION, database: 'ok' });
  await closeDatabase();
});

Deno.test('the database check should report unreachable, within its time limit, when nothing listens', async () => {
  const nowhere = postgres('postgresql://postgres:postgres@127.0.0.1:9/postgres', { max: 1, connect_timeout: 1 });
  const started = Date.now();
  assert.equal(await checkDatabase(nowhere, 1500), 'unreachable');
  assert.ok(Date.now() - started < 3000);
  await nowhere.end({ timeout: 0 });
});

Deno.test('health should answer a CORS preflight without touching the database', async () => {
  const response = await handleHealth(new Request('http://local/health', { method: 'OPTIONS' }));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  await response.body?.cancel();
});

Deno.test('health should refuse POST with the stable method_not_allowed error', async () => {
  const response = await handleHealth(new Request('http://local/health', { method: 'POST' }));
  assert.equal(response.status, 405);
  assert.deepEqual(await response.json(), { error: { code: 'method_not_allowed', message: 'Use GET' } });
});
