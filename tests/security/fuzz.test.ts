/**
 * Malformed input everywhere: every Edge Function route in openapi.json and every RPC the API exposes
 * (enumerated from the database when the test runs, so new ones are covered without editing this file)
 * gets invalid JSON, wrong types, huge numbers, arrays and scalars instead of objects, prototype keys
 * (`__proto__`, `constructor`, `prototype`), 2 MB strings, NUL bytes, deep nesting and wrong content
 * types, through the gateway, without a session and with a client's and an admin's. No answer may be a
 * 5xx, and nothing may be written: every row that mentions the fuzz users or the fuzz marker (public
 * tables and auth.users) is fingerprinted before and after.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/stack/config.ts';
import { createUser, sql, stack, type TestUser } from '../marketplace/support.ts';

const MARKER = `fuzz${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const EMAIL = `${MARKER}@example.test`;
const TWO_MB = 'A'.repeat(2 * 1024 * 1024);
const NUL = `${MARKER}\u0000x`;

interface Probe {
  name: string;
  body: string | undefined;
  contentType: string | undefined;
}

interface SchemaProperty {
  type?: string | string[];
  format?: string;
}

/** Values of the wrong kind for a property (each alone makes the body invalid). */
function wrongValues(property: SchemaProperty): Record<string, string> {
  const types = Array.isArray(property.type) ? property.type : [property.type ?? 'string'];
  const values: Record<string, string> = {
    object: '{"__proto__":{"admin":true}}',
    array: '["a",1]',
    null: 'null',
    boolean: 'true',
    nul: JSON.stringify(NUL),
    'two-mb': JSON.stringify(TWO_MB),
  };
  if (types.includes('string')) {
    values.number = '12';
    values['huge-number'] = '1e400';
  } else {
    values.string = JSON.stringify(MARKER);
    values['huge-number'] = '1e400';
    values['huge-integer'] = '123456789012345678901234567890';
    values.negative = '-9007199254740993';
  }
  return values;
}

/** Every malformed body for a JSON schema with `properties`. */
function probesFor(properties: Record<string, SchemaProperty> = {}, filler?: unknown): Probe[] {
  const json = (name: string, body: string): Probe => ({ name, body, contentType: 'application/json' });
  const plausible: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    plausible[key] =
      filler !== undefined ? filler : property.format === 'email' || key.includes('email') ? EMAIL : property.type === 'integer' || property.type === 'number' ? 1 : MARKER;
  }
  const probes: Probe[] = [
    json('invalid JSON', '{"a":'),
    json('not JSON at all', `${MARKER} not json`),
    json('empty body', ''),
    json('null', 'null'),
    json('a number', '1e400'),
    json('a string', JSON.stringify(MARKER)),
    json('an empty array', '[]'),
    json('an array of objects', JSON.stringify([plausible, plausible])),
    json('__proto__ key', `{"__proto__":{"role":"admin","isAdmin":true},"email":"${EMAIL}"}`),
    json('constructor key', JSON.stringify({ ...plausible, constructor: { prototype: { polluted: true } } })),
    json('constructor as a string', JSON.stringify({ constructor: MARKER, toString: MARKER, hasOwnProperty: 1 })),
    json('prototype key', JSON.stringify({ prototype: MARKER, ...plausible })),
    json('2 MB string', JSON.stringify({ [Object.keys(plausible)[0] ?? 'name']: TWO_MB })),
    json('NUL in a key', JSON.stringify({ [`a\u0000${MARKER}`]: 1 })),
    json('deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`),
    json('wrong field types everywhere', JSON.stringify(Object.fromEntries(Object.keys(plausible).map((k) => [k, { nested: [MARKER] }])))),
    { name: 'text/plain', body: JSON.stringify({ ...plausible, prototype: MARKER }), contentType: 'text/plain' },
    { name: 'form-encoded JSON', body: JSON.stringify(plausible), contentType: 'application/x-www-form-urlencoded' },
    { name: 'form-encoded', body: `email=${EMAIL}&constructor=x`, contentType: 'application/x-www-form-urlencoded' },
    { name: 'multipart garbage', body: `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n${MARKER}\r\n--x--`, contentType: 'multipart/form-data; boundary=x' },
    { name: 'no content type', body: JSON.stringify({ ...plausible, constructor: MARKER }), contentType: undefined },
  ];
  for (const [key, property] of Object.entries(properties)) {
    for (const [kind, value] of Object.entries(wrongValues(property))) {
      const fields = Object.entries(plausible).map(([k, v]) => `${JSON.stringify(k)}:${k === key ? value : JSON.stringify(v)}`);
      probes.push(json(`${key} as ${kind}`, `{${fields.join(',')}}`));
    }
  }
  return probes;
}

interface Route {
  method: string;
  path: string;
  properties: Record<string, SchemaProperty> | undefined;
  query: string[];
}

const openapi = JSON.parse(readFileSync(path.join(projectRoot, 'openapi.json'), 'utf8')) as {
  paths: Record<
    string,
    Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, SchemaProperty> } }> }; parameters?: { name: string; in: string }[] }>
  >;
};

const routes: Route[] = Object.entries(openapi.paths).flatMap(([routePath, operations]) =>
  Object.entries(operations)
    .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
    .map(([method, operation]) => ({
      method: method.toUpperCase(),
      path: routePath,
      properties: operation.requestBody?.content?.['application/json']?.schema?.properties,
      query: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    })),
);

/** Path parameters: garbage, traversal, an unknown id. */
function concretePaths(routePath: string): string[] {
  if (!routePath.includes('{')) return [routePath];
  return [randomUUID(), 'not-a-uuid', '..%2F..%2Fhealth', encodeURIComponent(NUL), 'x'.repeat(5000)].map((value) => routePath.replace(/\{[^}]+\}/g, value));
}

interface Exposed {
  name: string;
  args: { name: string; type: string }[];
}

/** The RPCs PostgREST exposes to anon or authenticated: public functions they may execute. */
const rpcs: Exposed[] = (
  await sql<{ name: string; arg_names: string[] | null; arg_types: string[] | null }>(`
    select p.proname as name,
           p.proargnames[1:p.pronargs] as arg_names,
           array(select format_type(t, null) from unnest(p.proargtypes::oid[]) as t) as arg_types
    from pg_proc as p
    join pg_namespace as n on n.oid = p.pronamespace
    where n.nspname = 'public'
      and p.prokind = 'f'
      and p.prorettype <> 'trigger'::regtype
      and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))
    order by p.proname`)
).map((row) => ({ name: row.name, args: (row.arg_names ?? []).map((name, i) => ({ name, type: row.arg_types?.[i] ?? 'text' })) }));

/** Malformed bodies for an RPC: the generic ones, plus its own arguments each given a wrong value. */
function rpcProbes(rpc: Exposed): Probe[] {
  const properties: Record<string, SchemaProperty> = {};
  for (const arg of rpc.args) {
    properties[arg.name] = { type: /int|numeric|real|double/.test(arg.type) ? 'integer' : arg.type === 'boolean' ? 'boolean' : 'string' };
  }
  // A body that names only real arguments must not be a valid call, so the other arguments get a NUL string.
  return probesFor(properties, NUL);
}

let client: TestUser;
let admin: TestUser;
const identities: Record<string, () => Record<string, string>> = {
  'no session': () => ({ authorization: `Bearer ${stack.anonKey}` }),
  client: () => ({ authorization: `Bearer ${client.accessToken}` }),
  admin: () => ({ authorization: `Bearer ${admin.accessToken}` }),
};

/** Fingerprint of every row that mentions the fuzz users or the marker. */
async function footprint(): Promise<Record<string, string>> {
  const tables = await sql<{ schema: string; name: string }>(`
    select table_schema as schema, table_name as name from information_schema.tables
    where table_type = 'BASE TABLE' and (table_schema = 'public' or (table_schema = 'auth' and table_name in ('users', 'identities')))
    order by 1, 2`);
  const pattern = [MARKER, client.id, admin.id].join('|');
  const result: Record<string, string> = {};
  for (const table of tables) {
    const [row] = await sql<{ digest: string; n: number }>(
      `select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest
       from ${JSON.stringify(table.schema)}.${JSON.stringify(table.name)} as t where t::text ~ $1`,
      [pattern],
    );
    result[`${table.schema}.${table.name}`] = `${row!.n}:${row!.digest}`;
  }
  return result;
}

interface Answer {
  target: string;
  probe: string;
  identity: string;
  status: number;
}

const answers: Answer[] = [];
let before: Record<string, string>;

async function send(url: string, method: string, probe: Probe, identity: string, extra: Record<string, string> = {}): Promise<void> {
  const headers: Record<string, string> = {
    apikey: stack.publishableKey,
    'x-forwarded-for': `198.18.${randomInt(0, 255)}.${randomInt(1, 255)}`,
    ...identities[identity]!(),
    ...extra,
  };
  if (probe.contentType) headers['content-type'] = probe.contentType;
  let status = 599; // the connection failed twice: as bad as a 5xx
  for (let attempt = 0; attempt < 2 && status === 599; attempt += 1) {
    try {
      const response = await fetch(url, { method, headers, body: method === 'GET' ? undefined : probe.body });
      status = response.status;
      await response.arrayBuffer();
    } catch (error) {
      // A keep-alive socket the server closed as it was reused fails before the request is read: retry once.
      console.warn(`fuzz: ${method} ${url.slice(0, 80)} failed to connect (${String((error as Error).cause ?? error)})`);
    }
  }
  answers.push({ target: `${method} ${url.replace(stack.url, '').slice(0, 120)}`, probe: probe.name, identity, status });
}

/** Runs `work` over `items`, `limit` at a time. */
async function limited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

const fiveHundreds = (target: (a: Answer) => boolean) => answers.filter((a) => target(a) && a.status >= 500);

describe('fuzzing every route and RPC', () => {
  beforeAll(async () => {
    [client, admin] = await Promise.all([createUser('client'), createUser('admin')]);
    before = await footprint();
  }, 120_000);

  afterAll(() => {
    const counts = answers.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
    console.log(`fuzz: ${answers.length} requests, by status ${JSON.stringify(counts)}`);
  });

  it('found routes and RPCs to fuzz', () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(rpcs.length).toBeGreaterThan(5);
  });

  it('no Edge Function route answers a malformed request with a 5xx', async () => {
    const jobs: (() => Promise<void>)[] = [];
    for (const route of routes) {
      for (const concrete of concretePaths(route.path)) {
        const base = `${stack.url}/functions/v1${concrete}`;
        for (const identity of Object.keys(identities)) {
          if (route.method === 'GET') {
            const query = route.query.length > 0 ? `?${route.query.map((q) => `${q}=${encodeURIComponent(NUL)}&${q}=99999-99-99`).join('&')}` : `?constructor=1&__proto__=x`;
            const probe = { name: 'query garbage', body: undefined, contentType: undefined };
            jobs.push(() => send(`${base}${query}`, 'GET', probe, identity, { 'x-api-key': `mk_${'0'.repeat(12)}_${'A'.repeat(43)}` }));
            jobs.push(() => send(base, 'GET', probe, identity, { 'x-api-key': NUL.replace('\u0000', '') }));
            continue;
          }
          for (const probe of probesFor(route.properties)) {
            jobs.push(() => send(base, route.method, probe, identity, { 'idempotency-key': randomUUID(), 'stripe-signature': 't=1,v1=00' }));
          }
        }
      }
    }
    await limited(jobs, 6, (job) => job());
    expect(fiveHundreds((a) => a.target.includes('/functions/v1/'))).toEqual([]);
  }, 600_000);

  it('no exposed RPC answers a malformed request with a 5xx', async () => {
    const jobs: (() => Promise<void>)[] = [];
    for (const rpc of rpcs) {
      for (const identity of Object.keys(identities)) {
        for (const probe of rpcProbes(rpc)) jobs.push(() => send(`${stack.url}/rest/v1/rpc/${rpc.name}`, 'POST', probe, identity));
      }
    }
    await limited(jobs, 6, (job) => job());
    expect(fiveHundreds((a) => a.target.includes('/rest/v1/rpc/'))).toEqual([]);
  }, 600_000);

  it('wrote nothing, and was not merely rate-limited', async () => {
    expect(await footprint()).toEqual(before);
    const limitedShare = answers.filter((a) => a.status === 429).length / Math.max(answers.length, 1);
    expect(limitedShare).toBeLessThan(0.2);
  }, 120_000);
});
