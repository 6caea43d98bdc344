/**
 * Bad input: malformed JSON, missing fields, oversized bodies, unknown grant types, invalid UUIDs and
 * SQL metacharacters each get the matching 4xx with a GoTrue-shaped body, and nothing in the auth schema
 * changes. Every request carries a unique marker address so "nothing changed" can be checked without
 * racing the suites that run at the same time.
 */
import { describe, expect, it } from 'vitest';
import { adminClient, authFetch, authRowsMentioning, client, marker, PASSWORD, signedUpUser, sql, stack } from './support.ts';

const SQL_METACHARACTERS = [
  "'; drop table auth.users; --",
  "x' or '1'='1",
  '"; select pg_sleep(5); --',
  '$1) ; delete from auth.sessions; --',
  "\\'; truncate auth.identities cascade; --",
];

/** Asserts a GoTrue error body (API version 2024-01-01) with this status and code. */
function expectGoTrueError(response: { status: number; body: any; headers: Headers }, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.body).toEqual({ code, message: expect.any(String) });
  expect(response.headers.get('x-sb-error-code')).toBe(code);
}

describe('malformed JSON', () => {
  for (const path of ['/signup', '/token?grant_type=password', '/recover', '/otp', '/verify', '/resend']) {
    it(`POST ${path} answers 400 bad_json and writes nothing`, async () => {
      const email = marker();
      const response = await authFetch(path, { method: 'POST', body: `{"email":"${email}","password":"${PASSWORD}"` });
      expectGoTrueError(response, 400, 'bad_json');
      expect(await authRowsMentioning(email)).toBe(0);
    });
  }

  it('a JSON array instead of an object is bad_json', async () => {
    const response = await authFetch('/signup', { method: 'POST', body: '[1,2]' });
    expectGoTrueError(response, 400, 'bad_json');
  });

  it('a field of the wrong type is bad_json', async () => {
    const email = marker();
    const response = await authFetch('/signup', { method: 'POST', body: JSON.stringify({ email, password: 123456789 }) });
    expectGoTrueError(response, 400, 'bad_json');
    expect(await authRowsMentioning(email)).toBe(0);
  });

  it('admin create with malformed JSON is bad_json', async () => {
    const email = marker();
    const response = await authFetch('/admin/users', { method: 'POST', key: stack.serviceRoleKey, body: `{"email":"${email}",` });
    expectGoTrueError(response, 400, 'bad_json');
    expect(await authRowsMentioning(email)).toBe(0);
  });

  it('a NUL character (which Postgres cannot store) is refused as bad_json', async () => {
    const email = marker();
    const response = await authFetch('/signup', {
      method: 'POST',
      body: `{"email":"${email}","password":"${PASSWORD}","data":{"x":"a\\u0000b"}}`,
    });
    expectGoTrueError(response, 400, 'bad_json');
    expect(await authRowsMentioning(email)).toBe(0);
  });
});

describe('missing fields', () => {
  it('sign-up without e-mail and password is refused (anonymous sign-ins are off)', async () => {
    const response = await authFetch('/signup', { method: 'POST', body: '{}' });
    expectGoTrueError(response, 422, 'anonymous_provider_disabled');
  });

  it('password sign-in without e-mail is validation_failed', async () => {
    const response = await authFetch('/token?grant_type=password', { method: 'POST', body: JSON.stringify({ password: 'x' }) });
    expectGoTrueError(response, 400, 'validation_failed');
  });

  it('recover without e-mail is validation_failed', async () => {
    const response = await authFetch('/recover', { method: 'POST', body: '{}' });
    expectGoTrueError(response, 400, 'validation_failed');
  });

  it('verify without type is validation_failed', async () => {
    const response = await authFetch('/verify', { method: 'POST', body: JSON.stringify({ token_hash: 'abc' }) });
    expectGoTrueError(response, 400, 'validation_failed');
  });

  it('invite without e-mail is validation_failed', async () => {
    const response = await authFetch('/invite', { method: 'POST', key: stack.serviceRoleKey, body: '{}' });
    expectGoTrueError(response, 400, 'validation_failed');
  });

  it('generate_link with an unknown type is validation_failed and creates nobody', async () => {
    const email = marker();
    const response = await authFetch('/admin/generate_link', {
      method: 'POST',
      key: stack.serviceRoleKey,
      body: JSON.stringify({ type: 'teleport', email }),
    });
    expectGoTrueError(response, 400, 'validation_failed');
    expect(await authRowsMentioning(email)).toBe(0);
  });
});

describe('oversized bodies', () => {
  it('a body over 1 MB is 413 request_entity_too_large and writes nothing', async () => {
    const email = marker();
    const body = JSON.stringify({ email, password: PASSWORD, data: { blob: 'x'.repeat((1 << 20) + 10) } });
    const response = await authFetch('/signup', { method: 'POST', body });
    expectGoTrueError(response, 413, 'request_entity_too_large');
    expect(await authRowsMentioning(email)).toBe(0);
  });

  it('a body just under 1 MB is accepted', async () => {
    const email = marker().replace('bad-', 'big-');
    const body = JSON.stringify({ email, password: PASSWORD, data: { blob: 'x'.repeat(900_000) } });
    const response = await authFetch('/signup', { method: 'POST', body });
    expect(response.status).toBe(200);
    await sql('delete from auth.users where email = $1', [email]);
  });
});

describe('unknown grant types and invalid UUIDs', () => {
  for (const grant of ['', 'client_credentials', "password' or 1=1"]) {
    it(`grant_type=${JSON.stringify(grant)} is 400 invalid_credentials unsupported_grant_type`, async () => {
      const response = await authFetch(`/token?grant_type=${encodeURIComponent(grant)}`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ code: 'invalid_credentials', message: 'unsupported_grant_type' });
    });
  }

  for (const method of ['GET', 'PUT', 'DELETE']) {
    it(`${method} /admin/users/<not a uuid> is 404 validation_failed`, async () => {
      const response = await authFetch('/admin/users/not-a-uuid', {
        method,
        key: stack.serviceRoleKey,
        ...(method === 'PUT' ? { body: '{}' } : {}),
      });
      expectGoTrueError(response, 404, 'validation_failed');
    });
  }

  it('admin create with a non-UUID id is validation_failed and creates nobody', async () => {
    const email = marker();
    const { error } = await adminClient().auth.admin.createUser({ id: 'zzz', email });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('validation_failed');
    expect(await authRowsMentioning(email)).toBe(0);
  });
});

describe('SQL metacharacters', () => {
  for (const evil of SQL_METACHARACTERS) {
    it(`in the e-mail of a sign-up: ${JSON.stringify(evil)} is validation_failed`, async () => {
      const { error } = await client().auth.signUp({ email: `${evil}@example.test`, password: PASSWORD });
      expect(error?.status).toBe(400);
      expect(error?.code).toBe('validation_failed');
    });

    it(`in sign-in fields: ${JSON.stringify(evil)} is invalid_credentials or validation_failed`, async () => {
      const byPassword = await client().auth.signInWithPassword({ email: marker(), password: evil });
      expect(byPassword.error?.code).toBe('invalid_credentials');
      const byEmail = await client().auth.signInWithPassword({ email: evil, password: evil });
      expect(byEmail.error?.status).toBe(400);
    });

    it(`in refresh tokens, token hashes and codes: ${JSON.stringify(evil)} matches nothing`, async () => {
      expect((await client().auth.refreshSession({ refresh_token: evil })).error?.code).toBe('refresh_token_not_found');
      expect((await client().auth.verifyOtp({ token_hash: evil, type: 'magiclink' })).error?.code).toBe('otp_expired');
      const code = await authFetch('/token?grant_type=pkce', {
        method: 'POST',
        body: JSON.stringify({ auth_code: evil, code_verifier: evil }),
      });
      expectGoTrueError(code, 404, 'flow_state_not_found');
      const byEmailCode = await client().auth.verifyOtp({ email: marker(), token: evil, type: 'email' });
      expect(byEmailCode.error?.code).toBe('otp_expired');
    });

    it(`in a path id: ${JSON.stringify(evil)} is 404 validation_failed`, async () => {
      const response = await authFetch(`/admin/users/${encodeURIComponent(evil)}`, { key: stack.serviceRoleKey });
      expectGoTrueError(response, 404, 'validation_failed');
    });

    it(`in recover and OTP e-mails: ${JSON.stringify(evil)} is validation_failed`, async () => {
      expect((await client().auth.resetPasswordForEmail(evil)).error?.code).toBe('validation_failed');
      expect((await client().auth.signInWithOtp({ email: evil })).error?.code).toBe('validation_failed');
      expect((await adminClient().auth.admin.inviteUserByEmail(evil)).error?.code).toBe('validation_failed');
    });
  }

  it('free-text fields (metadata, password) store metacharacters verbatim and the tables survive', async () => {
    const evil = SQL_METACHARACTERS[0]!;
    const { client: c, email, user } = await signedUpUser('meta', { note: evil });
    expect(user.user_metadata.note).toBe(evil);
    expect((await c.auth.updateUser({ password: `${evil}pw1`, current_password: PASSWORD })).error).toBeNull();
    expect((await client().auth.signInWithPassword({ email, password: `${evil}pw1` })).error).toBeNull();
    const [row] = await sql(`select raw_user_meta_data->>'note' as note from auth.users where id = $1`, [user.id]);
    expect(row).toEqual({ note: evil });
    expect(Number((await sql('select count(*) as n from auth.users'))[0]!.n)).toBeGreaterThan(0);
  });
});
