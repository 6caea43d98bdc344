/** Unit tests of the request helpers every identity function uses (no stack needed). */
import assert from 'node:assert/strict';
import { HttpError } from './errors.ts';
import { allowMethods, clientIp, readBody } from './request.ts';
import { registrationSchema } from './schemas/identity.ts';

const post = (body: string, headers: Record<string, string> = {}) => new Request('http://functions/register-client', { method: 'POST', body, headers });

async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected the request to be refused');
}

Deno.test('readBody should refuse malformed JSON with a message about the body', async () => {
  const error = await refusal(readBody(post('{"email":'), registrationSchema));
  assert.equal(error.status, 400);
  assert.deepEqual(error.details, { fieldErrors: {}, formErrors: ['The body must be a JSON object'] });
});

Deno.test('readBody should name each bad, missing and unknown field', async () => {
  const error = await refusal(readBody(post(JSON.stringify({ email: 'nope', first_name: 7, admin: true })), registrationSchema));
  const fields = Object.keys((error.details as { fieldErrors: Record<string, string[]> }).fieldErrors).sort();
  assert.deepEqual(fields, ['admin', 'email', 'first_name', 'last_name', 'password', 'password_confirmation']);
  assert.deepEqual((error.details as { fieldErrors: Record<string, string[]> }).fieldErrors.last_name, ['Required']);
});

Deno.test('readBody should refuse a body over 64 KiB without parsing it', async () => {
  const error = await refusal(readBody(post(JSON.stringify({ email: 'a'.repeat(70_000) })), registrationSchema));
  assert.match((error.details as { formErrors: string[] }).formErrors[0]!, /larger than/);
});

Deno.test('readBody should answer the parsed, trimmed input', async () => {
  const input = await readBody(
    post(JSON.stringify({ email: 'a@example.test', password: 'abcdefg1', password_confirmation: 'abcdefg1', first_name: ' Ana ', last_name: 'B' })),
    registrationSchema,
  );
  assert.equal(input.first_name, 'Ana');
});

Deno.test('clientIp should take the address the gateway wrote (the last one), never a client-written one, and ignore garbage', () => {
  assert.equal(clientIp(post('', { 'x-forwarded-for': '203.0.113.9' })), '203.0.113.9');
  assert.equal(clientIp(post('', { 'x-forwarded-for': '198.51.100.66, 203.0.113.9' })), '203.0.113.9');
  assert.equal(clientIp(post('', { 'x-forwarded-for': '<script>' })), 'unknown');
  assert.equal(clientIp(post('')), 'unknown');
});

Deno.test('allowMethods should answer 405 with an Allow header', () => {
  const error = (() => {
    try {
      allowMethods(new Request('http://functions/x', { method: 'GET' }), 'POST');
    } catch (e) {
      return e as HttpError;
    }
  })();
  assert.equal(error?.status, 405);
  assert.equal(error?.headers.Allow, 'POST, OPTIONS');
});
