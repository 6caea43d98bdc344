import assert from 'node:assert/strict';
import { type SessionLookup, sessionEnded, type TokenCaller } from '../_shared/auth.ts';
import { closeDatabase, database } from '../_shared/database.ts';
import { sqlCall } from '../_shared/sql-errors.ts';
import { type Authenticate, type ToolUse, type UseTool, useToolHandler } from './handler.ts';

const USER = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
const TOOL = '0b0c6ad3-2b8e-4bd4-9b1f-3a4c1f0e8d11';
const SESSION = '2c9e7f4a-1b3d-4e5f-9a8b-7c6d5e4f3a2b';

/** A token shaped like Supabase's, with a signature nothing accepts (real checks: _shared/auth.test.ts). */
function token(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}.signature`;
}

const userToken = token({ sub: USER, role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 3600 });

function request(init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Request {
  return new Request('http://local/use-tool', {
    method: init.method ?? 'POST',
    body: init.body ?? JSON.stringify({ tool_id: TOOL }),
    headers: { authorization: `Bearer ${userToken}`, 'idempotency-key': 'key-1', ...init.headers },
  });
}

/** Stands in for the token check (signature, expiry, claims), which _shared/auth.test.ts covers. */
const caller: TokenCaller = {
  id: USER,
  sessionId: SESSION,
  accessToken: userToken,
  claims: { sub: USER, session_id: SESSION, role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 3600 },
};
const session: Authenticate = () => Promise.resolve(caller);
/** The session lookup a refused request makes: live, or ended (signed out, banned, deleted). */
const live: SessionLookup = () => Promise.resolve({ email: 'client@example.test' });
const ended: SessionLookup = () => Promise.resolve(undefined);

const untouched: UseTool = () => {
  throw new Error('the database should not be touched');
};

const first: ToolUse = {
  usage: { id: 'u1', tool_id: TOOL, client_id: USER, creator_id: 'c1', points_charged: 5, creator_share: 3, status: 'completed', created_at: '2026-11-23T00:00:00Z' },
  balance: 95,
  replayed: false,
};

Deno.test('use-tool should answer 201 with the usage and the balance, passing the verified user, tool, key and expected price', async () => {
  const calls: unknown[][] = [];
  const handler = useToolHandler((client, tool, key, expected) => {
    calls.push([client.id, tool, key, expected]);
    return Promise.resolve(first);
  }, session);
  const response = await handler(request({ body: JSON.stringify({ tool_id: TOOL, expected_price_points: 5 }) }));
  assert.equal(response.status, 201);
  assert.deepEqual(await response.json(), first);
  const legacy = await handler(request());
  assert.equal(legacy.status, 201);
  await legacy.body?.cancel();
  assert.deepEqual(calls, [
    [USER, TOOL, 'key-1', 5],
    [USER, TOOL, 'key-1', null],
  ]);
});

Deno.test('use-tool should refuse an expected price that is not a whole number of points before touching the database', async () => {
  const handler = useToolHandler(untouched, session, live);
  for (const expected of [0, -5, 1.5, '10', 1_000_001]) {
    const response = await handler(request({ body: JSON.stringify({ tool_id: TOOL, expected_price_points: expected }) }));
    assert.equal(response.status, 400);
    assert.equal((await response.json()).error.code, 'validation_failed');
  }
});

Deno.test("use-tool should map the database's price_changed to 409 with the current price", async () => {
  const handler = useToolHandler(
    () =>
      sqlCall(() =>
        Promise.reject({
          code: 'PGRST',
          message: JSON.stringify({
            code: 'price_changed',
            message: 'The tool costs 12 points now, not 10: nothing was charged.',
            details: JSON.stringify({ price_points: 12, expected_price_points: 10 }),
            hint: null,
          }),
          detail: JSON.stringify({ status: 409, headers: {} }),
        }),
      ),
    session,
  );
  const response = await handler(request({ body: JSON.stringify({ tool_id: TOOL, expected_price_points: 10 }) }));
  assert.equal(response.status, 409);
  const body = await response.json();
  assert.equal(body.error.code, 'price_changed');
  assert.deepEqual(body.error.details, { price_points: 12, expected_price_points: 10 });
});

Deno.test('a replayed use should answer 200 with Idempotent-Replayed: true', async () => {
  const handler = useToolHandler(() => Promise.resolve({ ...first, balance: null, replayed: true }), session);
  const response = await handler(request());
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('idempotent-replayed'), 'true');
  assert.equal((await response.json()).replayed, true);
});

Deno.test('use-tool should refuse a request without an Idempotency-Key before touching the database', async () => {
  const response = await useToolHandler(
    untouched,
    session,
    live,
  )(
    new Request('http://local/use-tool', {
      method: 'POST',
      body: JSON.stringify({ tool_id: TOOL }),
      headers: { authorization: `Bearer ${userToken}` },
    }),
  );
  assert.equal(response.status, 400);
  assert.equal((await response.json()).error.code, 'invalid_idempotency_key');
});

Deno.test('use-tool should refuse a malformed body with field-level details', async () => {
  const handler = useToolHandler(untouched, session, live);
  for (const body of ['{"tool_id":"nope"}', '{"tool_id":"' + TOOL + '","price":0}', '[]', 'not json']) {
    const response = await handler(request({ body }));
    assert.equal(response.status, 400, body);
    assert.equal((await response.json()).error.code, 'validation_failed', body);
  }
});

Deno.test('use-tool should answer 401 before anything else to a caller whose session has ended, writing nothing', async () => {
  const handler = useToolHandler(untouched, session, ended);
  for (const init of [{ body: 'not json' }, { body: JSON.stringify({ tool_id: TOOL, expected_price_points: 0 }) }, { headers: { 'idempotency-key': '' } }]) {
    const response = await handler(request(init));
    assert.equal(response.status, 401, JSON.stringify(init));
    assert.equal((await response.json()).error.code, 'unauthorized');
  }
  // A valid request: the statement that would use the tool finds no live session and refuses.
  const refused = await useToolHandler(() => Promise.reject(sessionEnded()), session, ended)(request());
  assert.equal(refused.status, 401);
  assert.equal((await refused.json()).error.code, 'unauthorized');
});

Deno.test('use-tool should refuse the anon key, a missing token and an expired one with 401', async () => {
  const handler = useToolHandler(untouched);
  const anon = await handler(request({ headers: { authorization: `Bearer ${token({ role: 'anon' })}` } }));
  assert.equal(anon.status, 401);
  await anon.body?.cancel();
  const expired = await handler(request({ headers: { authorization: `Bearer ${token({ sub: USER, role: 'authenticated', exp: 1 })}` } }));
  assert.equal(expired.status, 401);
  await expired.body?.cancel();
  const none = await handler(new Request('http://local/use-tool', { method: 'POST', body: '{}', headers: { 'idempotency-key': 'k' } }));
  assert.equal(none.status, 401);
  assert.equal((await none.json()).error.code, 'unauthorized');
});

Deno.test('use-tool should refuse a token whose signature it cannot verify, without touching the database', async () => {
  const response = await useToolHandler(untouched)(request());
  assert.equal(response.status, 401);
  assert.equal((await response.json()).error.code, 'unauthorized');
});

Deno.test("use-tool should map the database's insufficient_points to 422 with that code", async () => {
  const handler = useToolHandler(
    () =>
      sqlCall(() =>
        Promise.reject({
          code: 'PGRST',
          message: JSON.stringify({ code: 'insufficient_points', message: 'This needs 5 points; the balance is 2.', details: null, hint: null }),
          detail: JSON.stringify({ status: 422, headers: {} }),
        }),
      ),
    session,
  );
  const response = await handler(request());
  assert.equal(response.status, 422);
  assert.deepEqual(await response.json(), { error: { code: 'insufficient_points', message: 'This needs 5 points; the balance is 2.' } });
});

Deno.test('use-tool should refuse GET and answer CORS preflights', async () => {
  const handler = useToolHandler(untouched);
  const get = await handler(new Request('http://local/use-tool'));
  assert.equal(get.status, 405);
  await get.body?.cancel();
  const preflight = await handler(new Request('http://local/use-tool', { method: 'OPTIONS' }));
  assert.equal(preflight.status, 200);
  await preflight.body?.cancel();
});

Deno.test({
  name: 'use-tool should answer 404 tool_not_found from the real database for an unknown tool, and 401 for a session that does not exist, writing nothing',
  ignore: !Deno.env.get('SUPABASE_DB_URL'),
  async fn() {
    const sql = database();
    const user = crypto.randomUUID();
    const sessionId = crypto.randomUUID();
    try {
      await sql`insert into auth.users (instance_id, id, aud, role, email, created_at, updated_at)
        values ('00000000-0000-0000-0000-000000000000', ${user}, 'authenticated', 'authenticated', ${`use-tool-${user}@example.test`}, now(), now())`;
      await sql`insert into auth.sessions (id, user_id, created_at, updated_at, aal) values (${sessionId}, ${user}, now(), now(), 'aal1')`;
      const signedIn: Authenticate = () => Promise.resolve({ ...caller, id: user, sessionId });
      const response = await useToolHandler(undefined, signedIn)(request({ headers: { 'idempotency-key': crypto.randomUUID() } }));
      assert.equal(response.status, 404);
      assert.equal((await response.json()).error.code, 'tool_not_found');
      // The same call for a session that does not exist (signed out): the use never runs.
      const gone: Authenticate = () => Promise.resolve({ ...caller, id: user, sessionId: crypto.randomUUID() });
      const refused = await useToolHandler(undefined, gone)(request({ headers: { 'idempotency-key': crypto.randomUUID() } }));
      assert.equal(refused.status, 401);
      assert.equal((await refused.json()).error.code, 'unauthorized');
      const [{ count }] = await sql<{ count: number }[]>`select count(*)::int as count from public.usages where client_id = ${user}`;
      assert.equal(count, 0);
    } finally {
      await sql`delete from auth.users where id = ${user}`.catch(() => undefined);
      await closeDatabase();
    }
  },
});
