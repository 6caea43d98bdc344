import assert from 'node:assert/strict';
import { errorResponse, HttpError } from './errors.ts';

Deno.test('errorResponse should map an HttpError to its status and stable code', async () => {
  const response = errorResponse(new HttpError('rule_broken', 'Not enough points', { needed: 5 }));
  assert.equal(response.status, 422);
  assert.deepEqual(await response.json(), { error: { code: 'rule_broken', message: 'Not enough points', details: { needed: 5 } } });
});

Deno.test('errorResponse should hide the message of an unexpected error', async () => {
  const original = console.error;
  console.error = () => {};
  try {
    const response = errorResponse(new Error('relation "private.secrets" does not exist'));
    assert.equal(response.status, 500);
    const body = await response.text();
    assert.ok(!body.includes('private.secrets'));
    assert.equal(JSON.parse(body).error.code, 'internal_error');
  } finally {
    console.error = original;
  }
});
