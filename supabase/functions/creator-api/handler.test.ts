import assert from 'node:assert/strict';
import { closeDatabase } from '../_shared/database.ts';
import { type CreatorApiDeps, creatorApiHandler, databaseDeps } from './handler.ts';

const KEY = `mk_0123456789ab_${'A'.repeat(43)}`;
const USAGE = '0b0c6ad3-2b8e-4bd4-9b1f-3a4c1f0e8d11';

function deps(overrides: Partial<CreatorApiDeps> = {}): CreatorApiDeps & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    verifyUsage: (key, id) => {
      calls.push(['verifyUsage', key, id]);
      return Promise.resolve({ id });
    },
    revenueStats: (key, from, to) => {
      calls.push(['revenueStats', key, from, to]);
      return Promise.resolve({ from, to });
    },
    takeRateLimit: () => Promise.resolve(true),
    ...overrides,
  };
}

const get = (path: string, key: string | null = KEY) => new Request(`http://local${path}`, { headers: key === null ? {} : { 'x-api-key': key } });

Deno.test('creator-api should verify a usage by id with the key', async () => {
  const d = deps();
  const response = await creatorApiHandler(d)(get(`/creator-api/usages/${USAGE}`));
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { id: USAGE });
  assert.deepEqual(d.calls, [['verifyUsage', KEY, USAGE]]);
});

Deno.test('creator-api should pass a date range to the stats', async () => {
  const d = deps();
  const response = await creatorApiHandler(d)(get('/creator-api/stats?from=2026-01-01&to=2026-01-31'));
  assert.equal(response.status, 200);
  assert.deepEqual(d.calls, [['revenueStats', KEY, '2026-01-01', '2026-01-31']]);
  await response.body?.cancel();
});

Deno.test('creator-api should refuse a bad range with 400 before touching the database', async () => {
  const d = deps();
  for (const query of ['from=yesterday', 'from=2026-02-01&to=2026-01-01', 'limit=5']) {
    const response = await creatorApiHandler(d)(get(`/creator-api/stats?${query}`));
    assert.equal(response.status, 400, query);
    await response.body?.cancel();
  }
  assert.deepEqual(d.calls, []);
});

Deno.test('creator-api should refuse a missing or malformed key with 401 invalid_api_key', async () => {
  const handler = creatorApiHandler(deps());
  for (const key of [null, '', 'mk_short', KEY.slice(0, -1), `${KEY}!`]) {
    const response = await handler(get('/creator-api/stats', key));
    assert.equal(response.status, 401, String(key));
    assert.equal((await response.json()).error.code, 'invalid_api_key');
  }
});

Deno.test('creator-api should offer nothing but usages and stats, and only GET', async () => {
  const handler = creatorApiHandler(deps());
  for (const path of ['/creator-api', '/creator-api/wallet', '/creator-api/usages', `/creator-api/usages/${USAGE}/refund`]) {
    const response = await handler(get(path));
    assert.equal(response.status, 404, path);
    await response.body?.cancel();
  }
  const post = await handler(new Request(`http://local/creator-api/usages/${USAGE}`, { method: 'POST', headers: { 'x-api-key': KEY } }));
  assert.equal(post.status, 405);
  await post.body?.cancel();
});

Deno.test('creator-api should answer 404 for a usage id that is not a UUID', async () => {
  const response = await creatorApiHandler(deps())(get('/creator-api/usages/not-an-id'));
  assert.equal(response.status, 404);
  assert.equal((await response.json()).error.code, 'usage_not_found');
});

Deno.test('creator-api should answer 429 with Retry-After once a key spent its minute', async () => {
  const response = await creatorApiHandler(deps({ takeRateLimit: () => Promise.resolve(false) }))(get('/creator-api/stats'));
  assert.equal(response.status, 429);
  assert.equal(response.headers.get('retry-after'), '60');
  await response.body?.cancel();
});

Deno.test({
  name: 'creator-api should refuse a well-formed but unknown key with 401 from the real database',
  ignore: !Deno.env.get('SUPABASE_DB_URL'),
  async fn() {
    try {
      const response = await creatorApiHandler(databaseDeps)(get(`/creator-api/usages/${USAGE}`, `mk_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}_${'B'.repeat(43)}`));
      assert.equal(response.status, 401);
      assert.equal((await response.json()).error.code, 'invalid_api_key');
    } finally {
      await closeDatabase();
    }
  },
});
