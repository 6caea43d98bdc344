/**
 * The SDK's written conventions (docs/sdk.md), checked over every namespace of a created client by
 * reflection, so a method added anywhere — by anyone — is held to them without being listed here:
 * - arguments come as `(id…, input?, options?)` with names from a small vocabulary;
 * - every list answers one `Page<T>` and can be iterated with `for await`;
 * - every `kit.admin.*` method answers `unauthorized` signed out and `forbidden` to a non-admin;
 * - every list of the signed-in user answers `unauthorized` signed out (never an empty page);
 * - every method that is not public answers `unauthorized` signed out, with `data` null and no
 *   Postgres wording — lists, reads and writes alike.
 * To extend: a new admin method needs a sample call in ADMIN_SAMPLES, any other method one in
 * SAMPLES (or a line in PUBLIC_METHODS with the reason anyone may call it); a public list goes in
 * PUBLIC_LISTS.
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

/** Method names that only read (or wait, or subscribe): every other method changes something. */
const READS =
  /^(get|list|history|mine|types|stats|current|balance|balanceOf|revisions|members|forTool|pointsPackages|debts|disputes|plans|entitlements|mySubscription|accountSubscription|health|metrics|dashboard|statistics|summary|totals|byDay|byVoucherType|download|signedUrl|wait|getSession|role|me|search|exportCsv|exportResult|verifyWithApiKey|statsWithApiKey|.*Stats|.*Statistics|assignmentHistory|onAuthStateChange|clients|payments)$/; // clients, payments: crm.statistics

/**
 * Methods that change something but take no `{ idempotencyKey, signal }`, with the reason. The test
 * fails when one of them takes `options` (remove it here), so this list only shrinks.
 */
const UNKEYED_WRITES: Record<string, string> = {
  'auth.signIn': 'mirrors supabase-js; Auth takes no idempotency keys (signing in again is harmless)',
  'auth.refreshSession': 'mirrors supabase-js; Auth takes no idempotency keys',
  'auth.reauthenticate': 'mirrors supabase-js; Auth takes no idempotency keys (a second code replaces the first)',
  'auth.requestPasswordReset': 'Auth takes no idempotency keys (a second mail replaces the first link)',
  'auth.completePasswordReset': 'Auth takes no idempotency keys; the emailed token works once',
  'auth.setUpPassword': 'Auth takes no idempotency keys; the emailed token works once',
  'accounts.use': 'chooses the current account locally, no request',
  'accounts.clearCurrentAccount': 'forgets the current account locally, no request',
  'media.remove': "Storage's own API takes no idempotency keys; removing a removed file answers it no longer listed",
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
  'admin.tools.list': () => [{}],
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

/** A valid call of every other method that needs a session (so local validation passes). */
const SAMPLES: Record<string, () => unknown[]> = {
  'auth.changePassword': () => [{ current_password: 'old-password-1', password: 'new-password-2', password_confirmation: 'new-password-2' }],
  'auth.reauthenticate': () => [],
  'auth.devices.list': () => [{}],
  'auth.devices.signOut': () => [randomUUID()],
  'profiles.me': () => [],
  'profiles.updateMe': () => [{ city: 'Lisbon' }],
  'profiles.uploadAvatar': () => [new Blob([PNG], { type: 'image/png' })],
  'system.metrics': () => [],
  'vouchers.mine': () => [{}],
  'vouchers.redeem': () => [{ code: '7K3M-9QXR-2HJD-WB4T', service_type: 'transcript' }],
  'vouchers.history': () => [{}],
  'vouchers.stats': () => [],
  'payments.create': () => [{ voucher_type_id: randomUUID() }],
  'payments.buyVoucher': () => [randomUUID()],
  'payments.buyPoints': () => [randomUUID()],
  'payments.confirm': () => [randomUUID()],
  'payments.history': () => [{}],
  'payments.get': () => [randomUUID()],
  'payments.debts': () => [{}],
  'payments.disputes': () => [],
  'billing.subscribe': () => [{ price_id: 'price_user_starter_monthly' }],
  'billing.checkout': () => [{ price_id: 'price_user_starter_monthly', success_url: 'http://127.0.0.1/done' }],
  'billing.change': () => [{ price_id: 'price_user_plus_monthly' }],
  'billing.cancel': () => [{}],
  'billing.resume': () => [{}],
  'billing.portal': () => [{ return_url: 'http://127.0.0.1/back' }],
  'billing.mySubscription': () => [],
  'billing.accountSubscription': () => [randomUUID()],
  'billing.entitlements': () => [randomUUID()],
  'billing.history': () => [{}],
  'accounts.mine': () => [{}],
  'accounts.use': () => [randomUUID()],
  'accounts.current': () => [],
  'accounts.register': () => [{ name: 'Acme Coaching', contact_email: 'ops@acme.test' }],
  'accounts.createForOwner': () => [
    { name: 'Acme Coaching', contact_email: 'ops@acme.test', owner: { email: `o-${randomUUID()}@example.test`, first_name: 'Owen', last_name: 'Owner' } },
  ],
  'accounts.get': () => [],
  'accounts.update': () => [{ contact_phone: '+14155550123' }],
  'accounts.members.list': () => [{}],
  'accounts.members.me': () => [],
  'accounts.members.get': () => [randomUUID()],
  'accounts.members.add': () => [{ email: `m-${randomUUID()}@example.test`, full_name: 'Cora Coach', permissions: ['view_payments'] }],
  'accounts.members.setAccess': () => [randomUUID(), { permissions: ['view_payments'] }],
  'accounts.members.deactivate': () => [randomUUID()],
  'accounts.members.reactivate': () => [randomUUID()],
  'accounts.members.update': () => [randomUUID(), { job_title: 'Head coach' }],
  'accounts.members.updateMe': () => [{ phone: '+14155550123' }],
  'accounts.batches.create': () => [{ name: `Batch ${randomUUID()}`, members: [{ email: `b-${randomUUID()}@example.test`, full_name: 'Bea Batch' }] }],
  'accounts.batches.list': () => [{}],
  'accounts.batches.members': () => [randomUUID(), {}],
  'accounts.files.upload': () => ['contracts/a.pdf', 'text', { contentType: 'text/plain' }],
  'accounts.files.list': () => [{}],
  'accounts.files.download': () => ['contracts/a.pdf'],
  'accounts.files.signedUrl': () => ['contracts/a.pdf', { expires_in: 300 }],
  'accounts.files.remove': () => [['contracts/a.pdf']],
  'crm.statistics.clients': () => [{}],
  'crm.statistics.payments': () => [{ from: '2026-01-01', to: '2026-02-01' }],
  'wallet.balance': () => [],
  'wallet.history': () => [{}],
  'marketplace.tools.mine': () => [{}],
  'marketplace.tools.create': () => [{ name: 'Summariser', category: 'text', price_points: 5, creator_share_percent: 70 }],
  'marketplace.tools.update': () => [randomUUID(), { price_points: 8 }],
  'marketplace.tools.submit': () => [randomUUID()],
  'marketplace.tools.revisions': () => [{}],
  'marketplace.tools.withdrawRevision': () => [randomUUID()],
  'marketplace.usage.use': () => [randomUUID(), { expected_price_points: 5 }],
  'marketplace.usage.list': () => [{}],
  'marketplace.usage.get': () => [randomUUID()],
  'marketplace.apiKeys.create': () => [{ name: 'Production backend' }],
  'marketplace.apiKeys.list': () => [{}],
  'marketplace.apiKeys.revoke': () => [randomUUID()],
  'marketplace.revenue.stats': () => [{ from: '2026-11-01', to: '2026-11-30' }],
  'marketplace.payouts.request': () => [{ amount: 500 }],
  'marketplace.payouts.list': () => [{}],
  'marketplace.feedback.submit': () => [{ usage_id: randomUUID(), rating: 5 }],
  'marketplace.refunds.request': () => [{ usage_id: randomUUID(), reason: 'The result was empty' }],
  'marketplace.refunds.list': () => [{}],
  'support.open': () => [{ subject: 'Refund not received', body: 'I was told it would come.', priority: 'high' }],
  'support.list': () => [{}],
  'support.get': () => [randomUUID()],
  'support.reply': () => [randomUUID(), { body: 'Here is the screenshot.' }],
  'jobs.get': () => [randomUUID()],
  'jobs.list': () => [{}],
  'jobs.cancel': () => [randomUUID()],
  'media.upload': () => ['id/a.txt', 'text', { contentType: 'text/plain' }],
  'media.list': () => [{}],
  'media.download': () => ['id/a.txt'],
  'media.signedUrl': () => ['id/a.txt', { expires_in: 600 }],
  'media.remove': () => [['id/a.txt']],
  'staff.create': () => [{ email: `s-${randomUUID()}@example.test`, password: 'secure-password-1', full_name: 'Jane Smith', job_title: 'Sales Manager' }],
  'staff.setPassword': () => [randomUUID(), { password: 'new-secure-password-2' }],
  'staff.remove': () => [randomUUID(), { assignments: 'keep_history' }],
  'staff.assignmentHistory': () => [{}],
  'tasks.submit': () => [{ type: 'add', input: { a: 2, b: 3 } }],
  'tasks.get': () => [randomUUID()],
  'tasks.list': () => [{}],
  'tasks.wait': () => [randomUUID(), { timeoutMs: 1000 }],
  'userData.deleteAccount': () => [{ current_password: 'my password 1' }],
  'userData.deleteUser': () => [randomUUID()],
  'userData.requestExport': () => [],
  'userData.exportResult': () => [randomUUID()],
};
for (const resource of ['clients', 'packages', 'clientPackages', 'payments', 'instalments', 'stripeCustomers']) {
  SAMPLES[`crm.${resource}.list`] = () => [{}];
  SAMPLES[`crm.${resource}.get`] = () => [randomUUID()];
  SAMPLES[`crm.${resource}.remove`] = () => [randomUUID()];
}
SAMPLES['crm.clients.create'] = () => [{ first_name: 'Ana', last_name: 'Silva', email: 'ana@client.test' }];
SAMPLES['crm.packages.create'] = () => [{ name: 'Ten sessions', price: 49900, currency: 'usd' }];
SAMPLES['crm.clientPackages.create'] = () => [{ client_id: randomUUID(), package_id: randomUUID() }];
SAMPLES['crm.payments.create'] = () => [{ client_id: randomUUID(), amount: 49900, currency: 'usd' }];
SAMPLES['crm.instalments.create'] = () => [{ client_id: randomUUID(), instalment_number: 1, amount: 1000, currency: 'usd', schedule_date: '2027-01-01' }];
SAMPLES['crm.clients.update'] = () => [randomUUID(), { status: 'paused' }];
SAMPLES['crm.packages.update'] = () => [randomUUID(), { name: 'Twelve sessions' }];
SAMPLES['crm.clientPackages.update'] = () => [randomUUID(), { status: 'inactive' }];
SAMPLES['crm.payments.update'] = () => [randomUUID(), { description: 'Paid in cash' }];
SAMPLES['crm.instalments.update'] = () => [randomUUID(), { instalment_number: 2 }];
SAMPLES['crm.stripeCustomers.update'] = () => [randomUUID(), { status: 'inactive' }];
SAMPLES['crm.stripeCustomers.create'] = () => [{ client_id: randomUUID(), stripe_customer_id: 'cus_123' }];

/**
 * Methods anyone may call signed out, with the reason. Everything else answers `unauthorized`.
 */
const PUBLIC_METHODS: Record<string, string> = {
  'auth.registerClient': 'signs a new user up',
  'auth.registerToolCreator': 'signs a new user up',
  'auth.signUp': 'signs a new user up',
  'auth.signIn': 'signs in',
  'auth.signOut': 'signing out without a session is a no-op',
  'auth.getSession': 'answers null without a session',
  'auth.refreshSession': 'answers from the stored refresh token (Auth says why when there is none)',
  'auth.role': 'answers null without a session',
  'auth.onAuthStateChange': 'subscribes to local session events',
  'auth.requestPasswordReset': 'the forgotten-password form: no session by definition',
  'auth.completePasswordReset': 'the emailed token is the credential',
  'auth.setUpPassword': 'the emailed token is the credential',
  'auth.joinWaitlist': 'visitors join the waitlist',
  'system.health': 'the public health check',
  'vouchers.types': 'the catalogue of voucher types is public',
  'vouchers.get': 'a voucher code is its own credential (a scratch card)',
  'payments.pointsPackages': 'the price list is public',
  'billing.plans': 'the plans are public',
  'content.list': 'published pages are public',
  'content.get': 'published pages are public',
  'marketplace.tools.list': 'approved tools are public',
  'marketplace.tools.get': 'approved tools are public',
  'marketplace.feedback.forTool': "approved tools' reviews are public",
  'marketplace.usage.verifyWithApiKey': "the creator's API key is the credential",
  'marketplace.revenue.statsWithApiKey': "the creator's API key is the credential",
  'accounts.clearCurrentAccount': 'forgets the current account locally, no request',
};

/** A 1×1 PNG. */
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));

/** Postgres's wording, which names internals: never shown to a caller. */
const POSTGRES_WORDING = /permission denied|violates|relation|function /i;

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

  it('every method that changes something takes `options` ({ idempotencyKey, signal }) last', () => {
    const writes = all.filter((m) => !READS.test(m.name) && !LEGACY_ARGUMENTS[m.path]);
    expect(writes.length).toBeGreaterThan(100);
    const unkeyed = writes.filter((m) => !UNKEYED_WRITES[m.path] && m.params.at(-1) !== 'options').map((m) => `${m.path}(${m.params.join(', ')})`);
    expect(unkeyed).toEqual([]);
    for (const path of Object.keys(UNKEYED_WRITES)) {
      const method = all.find((m) => m.path === path);
      expect(method, `${path} is gone: remove it from UNKEYED_WRITES`).toBeDefined();
      expect(method!.params.at(-1), `${path} takes options now: remove it from UNKEYED_WRITES`).not.toBe('options');
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
    expect(refused.error?.message).not.toMatch(POSTGRES_WORDING);
  });
});

describe('signed out', () => {
  const guarded = all.filter((m) => !PUBLIC_METHODS[m.path]);

  it('every method is public (with a reason) or has a sample call here', () => {
    expect(guarded.map((m) => m.path).filter((path) => !SAMPLES[path] && !ADMIN_SAMPLES[path])).toEqual([]);
  });

  it('the public list names methods that exist', () => {
    expect(Object.keys(PUBLIC_METHODS).filter((path) => !all.some((m) => m.path === path))).toEqual([]);
  });

  it.each(guarded.map((m) => [m.path, m] as const))('%s answers unauthorized signed out, data null, no Postgres wording', async (path, method) => {
    const sample = SAMPLES[path] ?? ADMIN_SAMPLES[path];
    if (!sample) return; // reported by the test above
    const { data, error } = await (call(method, sample()) as Promise<sdk.Result<unknown>>);
    expect(data).toBeNull();
    expect(error?.code, JSON.stringify(error)).toBe('unauthorized');
    expect(error?.message).not.toMatch(POSTGRES_WORDING);
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

  it('an unknown sort is refused, never ignored — also a name every object has', async () => {
    const counting = countingKit();
    for (const sort of ['cheapest', 'toString', 'constructor']) {
      const tools = await counting.kit.marketplace.tools.list({ sort: sort as never });
      expect(tools.error?.code, `tools.list sort ${sort}`).toBe('validation_failed');
      expect(tools.error?.details).toMatchObject({ fieldErrors: { sort: [expect.any(String)] } });
      const clients = await counting.kit.crm.clients.list({ sort: sort as never });
      expect(clients.error?.code, `crm.clients.list sort ${sort}`).toBe('validation_failed');
    }
    expect((await counting.kit.admin.tools.list({ status: 'archived' as never })).error?.code).toBe('validation_failed');
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
