import assert from 'node:assert/strict';
import { handleAccountBatches, planBatch } from './handler.ts';

const none = () => Promise.resolve(new Set<string>());

Deno.test('planBatch should keep valid rows and report malformed ones with their field errors', async () => {
  const plan = await planBatch([{ full_name: 'Ana', email: 'Ana@Example.test' }, { full_name: '', email: 'x' }, 'not an object'], none);
  assert.deepEqual(plan.toCreate, [{ index: 0, member: { full_name: 'Ana', email: 'ana@example.test' } }]);
  assert.equal(plan.results[1]?.status, 'invalid');
  assert.deepEqual(plan.results[1]?.errors, { full_name: ['Required'], email: ['Enter a valid e-mail address'] });
  assert.deepEqual(plan.results[2], { index: 2, email: null, status: 'invalid', errors: {} });
});

Deno.test('planBatch should report a repeated e-mail, whatever its case, as invalid on the later row', async () => {
  const plan = await planBatch(
    [
      { full_name: 'A', email: 'a@x.test' },
      { full_name: 'B', email: 'A@X.TEST' },
    ],
    none,
  );
  assert.equal(plan.toCreate.length, 1);
  assert.deepEqual(plan.results[1], { index: 1, email: 'a@x.test', status: 'invalid', errors: { email: ['Repeats row 0'] } });
});

Deno.test('planBatch should report e-mails of existing users as already_exists and not create them', async () => {
  const plan = await planBatch(
    [
      { full_name: 'A', email: 'a@x.test' },
      { full_name: 'B', email: 'b@x.test' },
    ],
    (emails) => {
      assert.deepEqual(emails, ['a@x.test', 'b@x.test']);
      return Promise.resolve(new Set(['b@x.test']));
    },
  );
  assert.deepEqual(
    plan.toCreate.map((r) => r.index),
    [0],
  );
  assert.deepEqual(plan.results[1], { index: 1, email: 'b@x.test', status: 'already_exists' });
});

Deno.test('account-batches should answer a CORS preflight and refuse GET with method_not_allowed', async () => {
  const preflight = await handleAccountBatches(new Request('http://local/account-batches', { method: 'OPTIONS' }));
  assert.equal(preflight.status, 200);
  await preflight.body?.cancel();
  const get = await handleAccountBatches(new Request('http://local/account-batches'));
  assert.equal(get.status, 405);
  assert.equal((await get.json()).error.code, 'method_not_allowed');
});
