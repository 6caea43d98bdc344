/**
 * Updates, removals and state transitions take `{ idempotencyKey }` like creations, and the database
 * holds it (supabase/migrations/20261208600000_write_idempotency.sql):
 * - an update retried with its key writes nothing again: a change someone made in between stays;
 * - the key with another change, or deleting another row, is refused with `idempotency_key_reused`;
 * - a removal retried after the row is gone answers `{ id }` again, not `not_found`;
 * - a transition retried with its key answers its first answer, not `invalid_transition`;
 * - a lost answer is retried automatically with the same key (the retry carries it), and succeeds.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/sdk/index.ts';
import { createBusiness, randomIp, sql, stack, type TestBusiness } from '../crm/support.ts';
import { createUser, type TestUser } from '../identity/support.ts';

let business: TestBusiness;
let other: TestBusiness;
let creator: TestUser;
let admin: TestUser;

async function newClient(owner = business.owner): Promise<string> {
  const created = await owner.kit.crm.clients.create({ first_name: 'Key', last_name: `Holder ${randomUUID().slice(0, 6)}`, email: `k-${randomUUID()}@client.test` });
  if (created.error) throw created.error;
  return created.data.id;
}

async function clientRow(id: string): Promise<{ status: string; notes: string | null; updated_at: string } | undefined> {
  const [row] = await sql<{ status: string; notes: string | null; updated_at: string }>('select status, notes, updated_at::text from public.crm_clients where id = $1', [id]);
  return row;
}

/** A signed-in SDK client whose fetch drops the answer of the first request matching after the backend committed it. */
async function droppingKit(email: string, password: string, match: (url: string, method: string) => boolean) {
  const keys: string[] = [];
  let dropped = false;
  const dropping = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (match(url, (init?.method ?? 'GET').toUpperCase())) {
      keys.push(new Headers(init?.headers).get('Idempotency-Key') ?? '');
      if (!dropped) {
        dropped = true; // committed; the connection drops before the answer arrives
        throw new TypeError('fetch failed');
      }
    }
    return response;
  }) as typeof fetch;
  const client = createClient(stack.url, stack.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { fetch: dropping, headers: { 'X-Forwarded-For': randomIp() } },
  });
  const signedIn = await client.auth.signIn({ email, password });
  if (signedIn.error) throw signedIn.error;
  return { kit: client, keys };
}

beforeAll(async () => {
  [business, other, creator, admin] = await Promise.all([createBusiness(), createBusiness(), createUser('tool_creator'), createUser('admin')]);
}, 60_000);

describe('updates', () => {
  it('attack: a retried update does not overwrite a change made in between; it answers the row as it stands', async () => {
    const id = await newClient();
    const idempotencyKey = `pause-${randomUUID()}`;
    const first = await business.owner.kit.crm.clients.update(id, { status: 'paused' }, { idempotencyKey });
    expect(first.data?.status).toBe('paused');
    const meanwhile = await business.owner.kit.crm.clients.update(id, { status: 'active' });
    expect(meanwhile.data?.status).toBe('active');
    const before = await clientRow(id);

    const retry = await business.owner.kit.crm.clients.update(id, { status: 'paused' }, { idempotencyKey });
    expect(retry.error).toBeNull();
    expect(retry.data?.status).toBe('active');
    expect(await clientRow(id)).toEqual(before); // nothing written, updated_at kept
  });

  it('attack: the key with another change is refused and changes nothing', async () => {
    const id = await newClient();
    const idempotencyKey = `note-${randomUUID()}`;
    expect((await business.owner.kit.crm.clients.update(id, { notes: 'first' }, { idempotencyKey })).error).toBeNull();
    const reused = await business.owner.kit.crm.clients.update(id, { notes: 'second' }, { idempotencyKey });
    expect(reused.error?.code).toBe('idempotency_key_reused');
    const widened = await business.owner.kit.crm.clients.update(id, { notes: 'first', status: 'paused' }, { idempotencyKey });
    expect(widened.error?.code).toBe('idempotency_key_reused');
    const elsewhere = await business.owner.kit.crm.clients.update(await newClient(), { notes: 'first' }, { idempotencyKey });
    expect(elsewhere.error?.code).toBe('idempotency_key_reused');
    expect(await clientRow(id)).toMatchObject({ notes: 'first', status: 'onboarding' });
  });

  it('an update whose answer is lost is retried with the same key and answers the row', async () => {
    const id = await newClient();
    const { kit, keys } = await droppingKit(business.owner.email, business.owner.password, (url, method) => url.includes('/rest/v1/crm_clients') && method === 'PATCH');
    const { data, error } = await kit.crm.clients.update(id, { notes: 'said once' });
    expect(error).toBeNull();
    expect(data?.notes).toBe('said once');
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it("another user's key is theirs alone: the same key on someone else's row is just not found", async () => {
    const id = await newClient();
    const idempotencyKey = `shared-${randomUUID()}`;
    expect((await business.owner.kit.crm.clients.update(id, { notes: 'mine' }, { idempotencyKey })).error).toBeNull();
    const outsider = await other.owner.kit.crm.clients.update(id, { notes: 'mine' }, { idempotencyKey });
    expect(outsider.error?.code).toBe('not_found');
    const own = await other.owner.kit.crm.clients.update(await newClient(other.owner), { notes: 'mine' }, { idempotencyKey });
    expect(own.error).toBeNull();
  });

  it('a no-op update keeps updated_at', async () => {
    const id = await newClient();
    await business.owner.kit.crm.clients.update(id, { notes: 'same' });
    const before = await clientRow(id);
    await business.owner.kit.crm.clients.update(id, { notes: 'same' });
    expect(await clientRow(id)).toEqual(before);
  });
});

describe('removals', () => {
  it('a removal retried with its key after the row is gone answers { id } again', async () => {
    const id = await newClient();
    const idempotencyKey = `remove-${randomUUID()}`;
    expect(await business.owner.kit.crm.clients.remove(id, { idempotencyKey })).toEqual({ data: { id }, error: null });
    expect(await business.owner.kit.crm.clients.remove(id, { idempotencyKey })).toEqual({ data: { id }, error: null });
    // Without the key it is simply gone.
    expect((await business.owner.kit.crm.clients.remove(id)).error?.code).toBe('not_found');
  });

  it('a removal whose answer is lost is retried with the same key and succeeds', async () => {
    const id = await newClient();
    const { kit, keys } = await droppingKit(business.owner.email, business.owner.password, (url, method) => url.includes('/rest/v1/crm_clients') && method === 'DELETE');
    expect(await kit.crm.clients.remove(id)).toEqual({ data: { id }, error: null });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(await clientRow(id)).toBeUndefined();
  });

  it('attack: the key that deleted one row deletes no other; that row stays', async () => {
    const [first, second] = [await newClient(), await newClient()];
    const idempotencyKey = `remove-${randomUUID()}`;
    expect((await business.owner.kit.crm.clients.remove(first, { idempotencyKey })).error).toBeNull();
    const reused = await business.owner.kit.crm.clients.remove(second, { idempotencyKey });
    expect(reused.error?.code).toBe('idempotency_key_reused');
    expect(await clientRow(second)).toBeDefined();
  });

  it("attack: another user's retry of a removal key learns nothing and removes nothing", async () => {
    const id = await newClient();
    const idempotencyKey = `remove-${randomUUID()}`;
    expect((await business.owner.kit.crm.clients.remove(id, { idempotencyKey })).error).toBeNull();
    const outsider = await other.owner.kit.crm.clients.remove(id, { idempotencyKey });
    expect(outsider.error?.code).toBe('not_found');
  });
});

describe('state transitions', () => {
  it('a retried cancel answers its first answer; the key cancels no other job', async () => {
    const enqueued = await admin.kit.admin.jobs.enqueue({ type: 'diagnostics.echo', run_after: '2099-01-01T00:00:00Z' });
    if (enqueued.error) throw enqueued.error;
    const id = enqueued.data.id;
    const idempotencyKey = `cancel-${randomUUID()}`;
    const first = await admin.kit.jobs.cancel(id, { idempotencyKey });
    expect(first.data?.status).toBe('cancelled');
    const again = await admin.kit.jobs.cancel(id, { idempotencyKey });
    expect(again).toEqual(first);
    const elsewhere = await admin.kit.jobs.cancel(randomUUID(), { idempotencyKey });
    expect(elsewhere.error?.code).toBe('idempotency_key_reused');
  });

  it('attack: a retried submit answers its first answer even once the tool was reviewed; without the key it is invalid_status', async () => {
    const created = await creator.kit.marketplace.tools.create({
      name: `Keyed ${randomUUID().slice(0, 8)}`,
      description: 'A tool submitted once',
      category: 'transcription',
      price_points: 5,
    });
    if (created.error) throw created.error;
    const idempotencyKey = `submit-${randomUUID()}`;
    const first = await creator.kit.marketplace.tools.submit(created.data.id, { idempotencyKey });
    expect(first.data?.status).toBe('pending_review');
    const reviewed = await admin.kit.admin.tools.review(created.data.id, { decision: 'approve' });
    expect(reviewed.error).toBeNull();
    expect(await creator.kit.marketplace.tools.submit(created.data.id, { idempotencyKey })).toEqual(first);
    expect((await creator.kit.marketplace.tools.submit(created.data.id)).error?.code).toBe('invalid_status');
  });

  it('attack: a retried member removal answers the first removal, not member_not_found; the key removes no one else', async () => {
    const team = await createBusiness({ leaving: { role: 'member' }, staying: { role: 'member' } });
    const idempotencyKey = `remove-member-${randomUUID()}`;
    const first = await team.owner.kit.staff.remove(team.members.leaving!.id, { assignments: 'keep_history' }, { idempotencyKey });
    expect(first.error).toBeNull();
    expect(await team.owner.kit.staff.remove(team.members.leaving!.id, { assignments: 'keep_history' }, { idempotencyKey })).toEqual(first);
    expect((await team.owner.kit.staff.remove(team.members.leaving!.id)).error?.code).toBe('member_not_found');
    const reused = await team.owner.kit.staff.remove(team.members.staying!.id, { assignments: 'keep_history' }, { idempotencyKey });
    expect(reused.error?.code).toBe('idempotency_key_reused');
    expect((await team.owner.kit.accounts.members.get(team.members.staying!.id)).error).toBeNull();
  });

  it('a retried review answers the first decision even after another admin decided otherwise', async () => {
    const created = await creator.kit.marketplace.tools.create({
      name: `Reviewed ${randomUUID().slice(0, 8)}`,
      description: 'A tool reviewed twice',
      category: 'transcription',
      price_points: 5,
    });
    if (created.error) throw created.error;
    await creator.kit.marketplace.tools.submit(created.data.id);
    const idempotencyKey = `review-${randomUUID()}`;
    const first = await admin.kit.admin.tools.review(created.data.id, { decision: 'approve' }, { idempotencyKey });
    expect(first.data?.status).toBe('approved');
    const suspended = await admin.kit.admin.tools.review(created.data.id, { decision: 'suspend', note: 'Reported as broken' });
    expect(suspended.data?.status).toBe('suspended');
    const retry = await admin.kit.admin.tools.review(created.data.id, { decision: 'approve' }, { idempotencyKey });
    expect(retry).toEqual(first);
    expect((await admin.kit.marketplace.tools.get(created.data.id)).data?.status).toBe('suspended');
  });

  it('a revoke whose answer is lost is retried with the same key and answers the revoked key', async () => {
    const key = await creator.kit.marketplace.apiKeys.create({ name: `Revoked ${randomUUID().slice(0, 8)}` });
    if (key.error) throw key.error;
    const { kit, keys } = await droppingKit(creator.email, creator.password, (url) => url.includes('/rpc/revoke_api_key'));
    const revoked = await kit.marketplace.apiKeys.revoke(key.data.id);
    expect(revoked.error).toBeNull();
    expect(revoked.data?.revoked_at).not.toBeNull();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });
});
