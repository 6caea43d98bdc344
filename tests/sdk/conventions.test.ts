/**
 * The SDK's written conventions (docs/sdk.md), checked over every namespace of a created client by
 * reflection, so a method added anywhere — by anyone — is held to them without being listed here:
 * - arguments come as `(id…, input?, options?)` with names from a small vocabulary;
 * - every list answers one `Page<T>` and can be iterated with `for await`;
 * - every `kit.admin.*` method answers `unauthorized` signed out and `forbidden` to a non-admin;
 * - every list of the signed-in user answers `unauthorized` signed out (never an empty page).
 * To extend: a new admin method needs a sample call in ADMIN_SAMPLES; a public list goes in PUBLIC_LISTS.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as sdk from '../../src/sdk/index.ts';
import { createUser, kit, stack, type TestUser } from '../identity/support.ts';
import { exportedClasses, methods, namespaces, type MethodInfo } from './namespaces.ts';

const client = kit();
const all = methods(client);

/** Names a parameter may have, by position class. */
const ID = /^(id|[a-z][A-Za-z]*Id|code|slug|name|names)$/;
const INPUT = /^(input|query|changes|credentials|file)$/;
const OPTIONS = /^options$/;

/**
 * Methods that predate the 1.0 conventions and are not yet reshaped, with the reason. The test fails
 * when one of them conforms (remove it here) or disappears, so this list only shrinks.
 */
const LEGACY_ARGUMENTS: Record<string, string> = {
  'auth.onAuthStateChange': 'mirrors supabase-js (callback)',
};

/** Method names that denote a list: each must answer a `Page<T>` and be async-iterable. */
const LIST_NAMES = new Set(['list', 'history', 'types', 'mine', 'revisions', 'members', 'forTool', 'pointsPackages', 'debts']);
/** Lists of storage folders answer file listings, not table pages. */
const NOT_PAGED = new Set(['accounts.files.list', 'media.list']);
/** Lists anyone may read signed out. */
const PUBLIC_LISTS = new Set(['vouchers.types', 'marketplace.tools.list', 'marketplace.feedback.forTool', 'content.list', 'payments.pointsPackages']);

/** A valid call of every admin method (so local validation passes and the answer is about rights). */
const ADMIN_SAMPLES: Record<string, () => unknown[]> = {
  'admin.users.list': () => [{}],
  'admin.users.createAdmin': () => [{ email: `a-${randomUUID()}@example.test`, first_name: 'A', last_name: 'B' }],
  'admin.users.setRole': () => [randomUUID(), { role: 'client' }],
  'admin.users.ban': () => [randomUUID()],
  'admin.users.unban': () => [randomUUID()],
  'admin.waitlist.list': () => [{}],
  'admin.waitlist.exportCsv': () => [],
  'admin.waitlist.remove': () => [randomUUID()],
  'admin.audit.list': () => [{}],
  'admin.accounts.list': () => [{}],
  'admin.accounts.approve': () => [randomUUID()],
  'admin.accounts.reject': () => [randomUUID(), { reason: 'No' }],
  'admin.accounts.suspend': () => [randomUUID(), { reason: 'No' }],
  'admin.accounts.reactivate': () => [randomUUID()],
  'admin.vouchers.types': () => [{}],
  'admin.vouchers.createType': () => [{ name: 'T', service_type: 'transcript', price_amount: 100, max_uses: 1 }],
  'admin.vouchers.updateType': () => [randomUUID(), { price_amount: 200 }],
  'admin.vouchers.list': () => [{}],
  'admin.vouchers.grant': () => [randomUUID(), randomUUID()],
  'admin.vouchers.deactivate': () => [randomUUID()],
  'admin.vouchers.dashboard': () => [{ from: '2026-01-01', to: '2026-01-31' }],
  'admin.payments.list': () => [{}],
  'admin.payments.refund': () => [randomUUID()],
  'admin.payments.settleDebts': () => [randomUUID()],
  'admin.tools.review': () => [randomUUID(), { decision: 'approve' }],
  'admin.tools.reviewRevision': () => [randomUUID(), { decision: 'approve' }],
  'admin.payouts.approve': () => [randomUUID()],
  'admin.payouts.reject': () => [randomUUID(), { reason: 'No' }],
  'admin.payouts.markPaid': () => [randomUUID()],
  'admin.refunds.approve': () => [randomUUID()],
  'admin.refunds.reject': () => [randomUUID(), { note: 'No' }],
  'admin.wallet.balanceOf': () => [randomUUID()],
  'admin.wallet.adjust': () => [{ user_id: randomUUID(), amount: 1, reason: 'Test' }],
  'admin.pointsPackages.list': () => [{}],
  'admin.pointsPackages.create': () => [{ name: `P ${randomUUID()}`, points: 10, price_amount: 100 }],
  'admin.pointsPackages.update': () => [randomUUID(), { price_amount: 200 }],
  'admin.pointsPackages.deactivate': () => [randomUUID()],
  'admin.pointsPackages.remove': () => [randomUUID()],
  'admin.support.update': () => [randomUUID(), { status: 'resolved' }],
  'admin.support.assign': () => [randomUUID(), { assigned_to: randomUUID() }],
  'admin.support.close': () => [randomUUID()],
  'admin.content.create': () => [{ slug: `s-${randomUUID().slice(0, 8)}`, title: 'T' }],
  'admin.content.update': () => [randomUUID(), { published: true }],
  'admin.content.remove': () => [randomUUID()],
  'admin.jobs.list': () => [{}],
  'admin.jobs.enqueue': () => [{ type: 'diagnostics.echo' }],
  'admin.jobs.cancel': () => [randomUUID()],
  'admin.profiles.get': () => [randomUUID()],
  'admin.profiles.update': () => [randomUUID(), { first_name: 'A' }],
  'admin.feedback.remove': () => [randomUUID()],
};

function conforms(params: string[]): boolean {
  let stage = 0; // 0: ids, 1: input seen, 2: options seen
  for (const name of params) {
    if (stage === 0 && ID.test(name)) continue;
    if (stage <= 0 && INPUT.test(name)) {
      stage = 1;
      continue;
    }
    if (stage <= 1 && OPTIONS.test(name)) {
      stage = 2;
      continue;
    }
    return false;
  }
  return true;
}

function call(method: MethodInfo, args: unknown[]): unknown {
  return method.fn.apply(method.owner, args);
}

const PAGE_KEYS = ['items', 'page', 'page_count', 'per_page', 'total'];

describe('the namespaces', () => {
  it('every namespace is a class the SDK exports', () => {
    const missing = namespaces(client)
      .filter(([, value]) => !exportedClasses.has(value.constructor))
      .map(([path, value]) => `${path}: ${value.constructor.name}`);
    expect(missing).toEqual([]);
  });

  it('every admin capability is under kit.admin: no namespace but kit.admin is called admin', () => {
    const stray = namespaces(client)
      .map(([path]) => path)
      .filter((path) => /(^|\.)admin$/.test(path) && path !== 'admin');
    expect(stray).toEqual([]);
  });
});

describe('arguments', () => {
  it('every method takes (id…, input?, options?) with names from the vocabulary', () => {
    const wrong = all.filter((m) => !LEGACY_ARGUMENTS[m.path] && !conforms(m.params)).map((m) => `${m.path}(${m.params.join(', ')})`);
    expect(wrong).toEqual([]);
  });

  it('the legacy list only shrinks: each entry exists and still breaks the rule', () => {
    for (const path of Object.keys(LEGACY_ARGUMENTS)) {
      const method = all.find((m) => m.path === path);
      expect(method, `${path} is gone: remove it from LEGACY_ARGUMENTS`).toBeDefined();
      expect(conforms(method!.params), `${path} conforms now: remove it from LEGACY_ARGUMENTS`).toBe(false);
    }
  });

  it('SDK options are camelCase and apart from domain fields, which are snake_case', () => {
    // Reflection sees names, not types: no parameter is called filters/range/reason/note/decision.
    const loose = all.filter((m) => m.params.some((p) => /^(filters|range|reason|note|decision|role|body)$/.test(p))).map((m) => m.path);
    expect(loose).toEqual([]);
  });
});

describe('lists', () => {
  const lists = all.filter((m) => LIST_NAMES.has(m.name) && !NOT_PAGED.has(m.path));

  it('finds the lists', () => {
    expect(lists.length).toBeGreaterThan(25);
  });

  it.each(lists.map((m) => [m.path, m] as const))('%s answers a Page and is async-iterable', async (_path, method) => {
    const admin = await adminUser();
    const own = all.find((m) => m.path === method.path && m.owner.constructor === method.owner.constructor)!;
    // The same method on the admin's client.
    const target = methods(admin.kit).find((m) => m.path === own.path)!;
    const args = target.params.map((p) => (ID.test(p) ? randomUUID() : {}));
    const request = call(target, args) as Promise<sdk.Result<sdk.Page<unknown>>> & Partial<AsyncIterable<unknown>>;
    expect(typeof request[Symbol.asyncIterator]).toBe('function');
    const { data, error } = await request;
    if (error) {
      // Lists scoped to the current business account need one: that is the only acceptable failure here.
      expect(error.code).toBe('no_account');
      return;
    }
    expect(Object.keys(data).sort()).toEqual(PAGE_KEYS);
  });

  it.each(lists.filter((m) => !PUBLIC_LISTS.has(m.path)).map((m) => [m.path, m] as const))('%s answers unauthorized when signed out', async (_path, method) => {
    const args = method.params.map((p) => (ID.test(p) ? randomUUID() : {}));
    const { data, error } = await (call(method, args) as Promise<sdk.Result<unknown>>);
    expect(data).toBeNull();
    expect(error?.code).toBe('unauthorized');
  });
});

describe('kit.admin', () => {
  const adminMethods = all.filter((m) => m.path.startsWith('admin.'));

  it('every admin method has a sample call here', () => {
    expect(adminMethods.map((m) => m.path).filter((path) => !ADMIN_SAMPLES[path])).toEqual([]);
  });

  it.each(adminMethods.map((m) => [m.path, m] as const))('%s answers unauthorized signed out and forbidden to a non-admin', async (path, method) => {
    const sample = ADMIN_SAMPLES[path]!;
    const signedOut = await (call(method, sample()) as Promise<sdk.Result<unknown>>);
    expect(signedOut.error?.code, JSON.stringify(signedOut.error)).toBe('unauthorized');
    const user = await plainUser();
    const target = methods(user.kit).find((m) => m.path === path)!;
    const refused = await (call(target, sample()) as Promise<sdk.Result<unknown>>);
    expect(refused.error?.code, JSON.stringify(refused.error)).toBe('forbidden');
    expect(refused.error?.message).not.toMatch(/permission denied|violates|relation|function /i);
  });
});

describe('local validation', () => {
  /** A client that counts the requests it sends. */
  function countingKit(): { kit: sdk.KitClient; requests: () => number } {
    let requests = 0;
    const counting = ((...args: Parameters<typeof fetch>) => {
      requests++;
      return fetch(...args);
    }) as typeof fetch;
    const created = sdk.createClient(stack.url, stack.publishableKey, { auth: { persistSession: false, autoRefreshToken: false }, global: { fetch: counting } });
    return { kit: created, requests: () => requests };
  }

  const withId = all.filter((m) => /^(id|[a-z][A-Za-z]*Id)$/.test(m.params[0] ?? ''));

  it('finds the methods that take an id', () => {
    expect(withId.length).toBeGreaterThan(40);
  });

  it.each(withId.map((m) => [m.path] as const))('%s refuses a malformed id with validation_failed and sends nothing', async (path) => {
    const counting = countingKit();
    const target = methods(counting.kit).find((m) => m.path === path)!;
    const { data, error } = await (call(target, ['nope', ...target.params.slice(1).map(() => ({}))]) as Promise<sdk.Result<unknown>>);
    expect(data).toBeNull();
    expect(error?.code).toBe('validation_failed');
    expect(counting.requests()).toBe(0);
  });

  it("tools.get('nope') answers validation_failed naming the field, without a request", async () => {
    const counting = countingKit();
    const { error } = await counting.kit.marketplace.tools.get('nope');
    expect(error).toMatchObject({ code: 'validation_failed', details: { fieldErrors: { id: ['Use a UUID'] } } });
    expect(counting.requests()).toBe(0);
  });

  it('an unknown enum value is refused before any request', async () => {
    const counting = countingKit();
    const { error } = await counting.kit.admin.tools.review(randomUUID(), { decision: 'publish' as never });
    expect(error?.code).toBe('validation_failed');
    expect((await counting.kit.admin.accounts.list({ status: 'archived' as never })).error?.code).toBe('validation_failed');
    expect(counting.requests()).toBe(0);
  });
});

describe('auto-paging', () => {
  it('for await walks every page of a list, one request per page', async () => {
    const admin = await adminUser();
    const first = await admin.kit.admin.users.list({ per_page: 2 });
    expect(first.error).toBeNull();
    const seen: string[] = [];
    for await (const user of admin.kit.admin.users.list({ per_page: 2 })) {
      seen.push(user.id);
      if (seen.length >= 7) break;
    }
    expect(seen.length).toBe(Math.min(7, first.data!.total));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('iteration throws the SdkError a page answers', async () => {
    const signedOut = kit();
    await expect(async () => {
      // The first step of the iteration asks for the first page, which throws.
      await signedOut.admin.users.list()[Symbol.asyncIterator]().next();
    }).rejects.toMatchObject({ code: 'unauthorized' });
  });
});

let admin: TestUser | undefined;
let plain: TestUser | undefined;
async function adminUser(): Promise<TestUser> {
  admin ??= await createUser('admin');
  return admin;
}
async function plainUser(): Promise<TestUser> {
  plain ??= await createUser('client');
  return plain;
}

beforeAll(async () => {
  await adminUser();
  await plainUser();
});
