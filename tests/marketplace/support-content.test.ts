/**
 * Support tickets and site content through the SDK: users open tickets and talk with staff, admins
 * assign and resolve them; admins publish pages and everyone reads the published ones.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, kit, type TestUser } from './support.ts';

describe('support tickets', () => {
  let admin: TestUser;
  let client: TestUser;
  let otherClient: TestUser;

  beforeAll(async () => {
    [admin, client, otherClient] = await Promise.all([createUser('admin'), createUser('client'), createUser('client')]);
  });

  it('a user opens a ticket, staff answer and assign it, the user replies, staff resolve it', async () => {
    const opened = await client.kit.support.open({ subject: 'My refund', body: 'Where are my points?', priority: 'high' });
    expect(opened.error).toBeNull();
    expect(opened.data).toMatchObject({ status: 'open', priority: 'high', user_id: client.id });
    const ticketId = opened.data!.id;

    expect((await otherClient.kit.support.get(ticketId)).error?.code).toBe('not_found');
    const queue = await admin.kit.support.list({ status: 'open' });
    expect(queue.data?.items.map((t) => t.id)).toContain(ticketId);

    const answer = await admin.kit.support.reply(ticketId, { body: 'They are back in your wallet.' });
    expect(answer.data?.from_staff).toBe(true);
    const assigned = await admin.kit.admin.support.assign(ticketId, { assigned_to: admin.id });
    expect(assigned.data).toMatchObject({ assigned_to: admin.id, status: 'pending' });
    expect((await admin.kit.admin.support.assign(ticketId, { assigned_to: client.id })).error?.code).toBe('invalid_assignee');

    const reply = await client.kit.support.reply(ticketId, { body: 'Thanks!' });
    expect(reply.data?.from_staff).toBe(false);
    const resolved = await admin.kit.admin.support.update(ticketId, { status: 'resolved' });
    expect(resolved.data?.status).toBe('resolved');

    const thread = await client.kit.support.get(ticketId);
    expect(thread.data?.messages.map((m) => m.body)).toEqual(['Where are my points?', 'They are back in your wallet.', 'Thanks!']);
  });

  it("a user cannot change a ticket's status", async () => {
    const opened = await client.kit.support.open({ subject: 'Another question', body: 'Hello' });
    const refused = await client.kit.admin.support.close(opened.data!.id);
    expect(refused.error?.code).toBe('forbidden');
    // The database is the guard: the same change sent straight to the REST API touches no row.
    const { data: changed } = await client.kit.supabase.from('support_tickets').update({ status: 'closed' }).eq('id', opened.data!.id).select('id');
    expect(changed ?? []).toEqual([]);
  });
});

describe('site content', () => {
  let admin: TestUser;
  let client: TestUser;

  beforeAll(async () => {
    [admin, client] = await Promise.all([createUser('admin'), createUser('client')]);
  });

  it('admins publish pages that everyone reads; drafts stay hidden', async () => {
    const slug = `news-${randomUUID().slice(0, 8)}`;
    const draft = await admin.kit.admin.content.create({ slug, title: 'Coming soon', body: '**Soon**', kind: 'announcement' });
    expect(draft.error).toBeNull();
    expect(draft.data?.published_at).toBeNull();
    expect((await kit().content.get(slug)).error?.code).toBe('not_found');

    const published = await admin.kit.admin.content.update(draft.data!.id, { published: true });
    expect(published.data?.published_at).not.toBeNull();
    expect((await kit().content.get(slug)).data?.title).toBe('Coming soon');
    const announcements = await kit().content.list({ kind: 'announcement' });
    expect(announcements.data?.items.map((c) => c.slug)).toContain(slug);
  });

  it('non-admins cannot write content', async () => {
    const refused = await client.kit.admin.content.create({ slug: `x-${randomUUID().slice(0, 8)}`, title: 'Mine' });
    expect(refused.error?.code).toBe('forbidden');
    const badSlug = await admin.kit.admin.content.create({ slug: 'Not A Slug', title: 'Bad' });
    expect(badSlug.error?.code).toBe('validation_failed');
  });
});
