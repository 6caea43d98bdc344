/**
 * Bad input to every identity Edge Function, sent raw (the SDK would refuse it first): malformed JSON,
 * missing and extra fields, wrong types, over-long strings, invalid e-mail and phone. Each answers 400
 * `validation_failed` with field-level details, and nothing is written — no user, no waitlist row, no
 * rate-limit hit, no idempotency key.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessToken, authUserCount, callFunction, createUser, kit, randomIp, registration, sql, strongPassword, uniqueEmail, type TestUser } from './support.ts';

/** A bad body and the field the answer must name (or null: a message about the body as a whole). */
type Case = [what: string, body: string | object, field: string | null];

function commonCases(valid: Record<string, unknown>, textField: string, maxLength: number): Case[] {
  return [
    ['malformed JSON', '{"email": "a@example.test",', null],
    ['a JSON array instead of an object', '[]', null],
    ['an empty body', '', null],
    ['an extra field', { ...valid, is_admin: true }, 'is_admin'],
    ['a wrong type', { ...valid, [textField]: 42 }, textField],
    ['an over-long string', { ...valid, [textField]: 'x'.repeat(maxLength + 1) }, textField],
  ];
}

let admin: TestUser;
let user: TestUser;

beforeAll(async () => {
  [admin, user] = await Promise.all([createUser('admin'), createUser('client')]);
});

/** Rows a request may have written, keyed by what identifies it. */
async function traces(ip: string, key: string): Promise<number> {
  const rows = await sql<{ n: string }>(`select (select count(*) from private.rate_limits where key = $1) + (select count(*) from private.idempotency_keys where key = $2) as n`, [
    ip,
    key,
  ]);
  return Number(rows[0]!.n);
}

async function expectRefused(name: string, body: string | object, field: string | null, bearer?: string): Promise<void> {
  const ip = randomIp();
  const key = randomUUID();
  const { status, body: answer } = await callFunction(name, {
    body,
    ...(bearer ? { bearer } : {}),
    headers: { 'X-Forwarded-For': ip, 'Idempotency-Key': key },
  });
  expect(status).toBe(400);
  expect(answer.error.code).toBe('validation_failed');
  if (field === null) expect(answer.error.details.formErrors.length).toBeGreaterThan(0);
  else expect(answer.error.details.fieldErrors[field]?.length).toBeGreaterThan(0);
  expect(await traces(ip, key)).toBe(0);
}

describe.each(['register-client', 'register-tool-creator'])('%s with bad input', (name) => {
  const valid = () => ({ ...registration(), phone: '+14155550123' }) as Record<string, unknown>;
  const cases: Case[] = [
    ...commonCases(valid(), 'first_name', 100),
    ['missing fields', { email: uniqueEmail('missing') }, 'password'],
    ['a missing last name', { ...valid(), last_name: undefined }, 'last_name'],
    ['an invalid e-mail', { ...valid(), email: 'no-at-sign' }, 'email'],
    ['an over-long e-mail', { ...valid(), email: `${'a'.repeat(250)}@example.test` }, 'email'],
    ['an invalid phone', { ...valid(), phone: '555-1234' }, 'phone'],
    ['a malformed username', { ...valid(), username: 'no spaces allowed' }, 'username'],
    ['a password over 72 bytes', { ...valid(), password: `Aa1${'é'.repeat(40)}`, password_confirmation: `Aa1${'é'.repeat(40)}` }, 'password'],
  ];

  it.each(cases)('answers 400 to %s and creates no user', async (_what, body, field) => {
    await expectRefused(name, body, field);
    if (typeof body === 'object' && typeof (body as { email?: unknown }).email === 'string') {
      expect(await authUserCount((body as { email: string }).email)).toBe(0);
    }
  });
});

describe('register-admin with bad input (as an admin)', () => {
  const valid = () => registration() as Record<string, unknown>;
  const cases: Case[] = [
    ...commonCases(valid(), 'last_name', 100),
    ['an invalid e-mail', { ...valid(), email: 'admin@' }, 'email'],
    ['an invalid phone', { ...valid(), phone: '+0123' }, 'phone'],
    ['a password without its confirmation', { ...valid(), password_confirmation: undefined }, 'password_confirmation'],
    ['a relative redirect', { ...valid(), redirect_to: '/welcome' }, 'redirect_to'],
  ];

  it.each(cases)('answers 400 to %s and creates no user', async (_what, body, field) => {
    await expectRefused('register-admin', body, field, await accessToken(admin.kit));
    if (typeof body === 'object' && typeof (body as { email?: unknown }).email === 'string') {
      expect(await authUserCount((body as { email: string }).email)).toBe(0);
    }
  });
});

describe('change-password with bad input', () => {
  const next = strongPassword();
  const valid = { current_password: 'whatever-1', password: next, password_confirmation: next };
  const cases: Case[] = [
    ...commonCases(valid, 'current_password', 200),
    ['missing fields', {}, 'current_password'],
    ['a wrong type', { ...valid, password: ['array'] }, 'password'],
    ['the same password as the current one', { ...valid, current_password: next }, 'password'],
  ];

  it.each(cases)('answers 400 to %s and keeps the password', async (_what, body, field) => {
    await expectRefused('change-password', body, field, await accessToken(user.kit));
    expect((await kit().auth.signIn({ email: user.email, password: user.password })).error).toBeNull();
  });
});

describe('ban-user with bad input (as an admin)', () => {
  let target: TestUser;
  beforeAll(async () => {
    target = await createUser('client');
  });
  const cases = (): Case[] => [
    ...commonCases({ user_id: target.id, banned: true }, 'user_id', 36),
    ['missing fields', {}, 'user_id'],
    ['a user id that is not a UUID', { user_id: 'not-a-uuid', banned: true }, 'user_id'],
    ['banned as a string', { user_id: target.id, banned: 'yes' }, 'banned'],
    ['a fractional duration', { user_id: target.id, banned: true, duration_hours: 1.5 }, 'duration_hours'],
    ['a duration on an unban', { user_id: target.id, banned: false, duration_hours: 3 }, 'duration_hours'],
  ];

  it('answers 400 to every bad body and bans nobody', async () => {
    const bearer = await accessToken(admin.kit);
    for (const [, body, field] of cases()) await expectRefused('ban-user', body, field, bearer);
    const rows = await sql<{ banned_until: string | null }>('select banned_until from auth.users where id = $1', [target.id]);
    expect(rows[0]!.banned_until).toBeNull();
  });
});

describe('waitlist with bad input', () => {
  const cases: Case[] = [
    ...commonCases({ email: uniqueEmail('wl') }, 'source', 100),
    ['missing fields', {}, 'email'],
    ['an invalid e-mail', { email: 'two@@example.test' }, 'email'],
    ['an e-mail of the wrong type', { email: { address: 'a@example.test' } }, 'email'],
  ];

  it.each(cases)('answers 400 to %s and stores nothing', async (_what, body, field) => {
    await expectRefused('waitlist', body, field);
    if (typeof body === 'object' && typeof (body as { email?: unknown }).email === 'string') {
      const rows = await sql('select 1 from public.waitlist where email = lower($1)', [(body as { email: string }).email]);
      expect(rows).toHaveLength(0);
    }
  });
});
