/**
 * Deleting users keeps the books: an admin (through the delete-account function, or the Auth admin API
 * as Studio's "Delete user" does) deletes a client and a creator with a full history; the user can no
 * longer sign in, personal data is gone, money records and CRM assignments stay with the anonymised
 * profile, and every wallet still equals its ledger. A user deletes themself after reauthenticating.
 * Export: a user downloads all their data as JSON through a job and a signed link.
 */
import { createClient as createSupabaseClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { callWorker } from '../operations/support.ts';
import { eventually } from '../helpers/db.ts';
import { createUser, fullHistory, signInError, sql, stack, unbalancedWallets } from './user-data-support.ts';

const count = async (query: string, values: unknown[]) => Number((await sql<{ n: string }>(query, values))[0]!.n);

describe('deleting a user with a full history', () => {
  it('an admin deletes a client and the Auth admin API deletes a creator; the ledger still balances', async () => {
    const history = await fullHistory();
    const { client, creator } = history;
    const admin = await createUser('admin');
    const before = {
      ledger: await count('select count(*) as n from public.wallet_ledger where user_id = any($1::uuid[])', [[client.id, creator.id]]),
      usages: await count('select count(*) as n from public.usages where client_id = $1', [client.id]),
      payouts: await count('select count(*) as n from public.payouts where creator_id = $1', [creator.id]),
    };

    const deleted = await admin.kit.userData.deleteUser(client.id);
    expect(deleted.error).toBeNull();
    expect(deleted.data).toEqual({ user_id: client.id, deleted: true });
    const service = createSupabaseClient(stack.url, stack.secretKey, { auth: { persistSession: false, autoRefreshToken: false } });
    const { error } = await service.auth.admin.deleteUser(creator.id);
    expect(error).toBeNull();

    expect(await signInError(client)).not.toBeNull();
    expect(await signInError(creator)).not.toBeNull();
    expect(await count('select count(*) as n from auth.users where id = any($1::uuid[])', [[client.id, creator.id]])).toBe(0);
    const [tombstone] = await sql('select email, first_name, last_name, phone, avatar_url, deleted_at from public.profiles where id = $1', [client.id]);
    expect(tombstone).toMatchObject({ email: null, first_name: null, last_name: null, phone: null, avatar_url: null });
    expect(tombstone!.deleted_at).not.toBeNull();
    expect(await count('select count(*) as n from public.devices where user_id = $1', [client.id])).toBe(0);

    expect(await count('select count(*) as n from public.wallet_ledger where user_id = any($1::uuid[])', [[client.id, creator.id]])).toBe(before.ledger);
    expect(await count('select count(*) as n from public.usages where client_id = $1', [client.id])).toBe(before.usages);
    expect(await count('select count(*) as n from public.payouts where creator_id = $1', [creator.id])).toBe(before.payouts);
    expect(await count('select count(*) as n from public.payments where id = $1 and user_id = $2', [history.paymentId, client.id])).toBe(1);
    expect(await count('select count(*) as n from public.vouchers where owner_id = $1', [client.id])).toBe(1);
    const [crm] = await sql('select coach_id, setter_id from public.crm_clients where id = $1', [history.crmClientId]);
    expect(crm).toEqual({ coach_id: creator.id, setter_id: client.id });
    expect(await unbalancedWallets([client.id, creator.id])).toBe(0);
    const [audit] = await sql("select actor_role from public.audit_log where action = 'user.deleted' and target_id = $1", [client.id]);
    expect(audit).toBeDefined();
  });

  it('a user deletes their own account with their password; sign-in is refused and the ledger balances', async () => {
    const { client } = await fullHistory();
    const wrong = await client.kit.userData.deleteAccount({ current_password: 'not-my-password-1' });
    expect(wrong.error?.code).toBe('invalid_current_password');
    const { data, error } = await client.kit.userData.deleteAccount({ current_password: client.password });
    expect(error).toBeNull();
    expect(data).toEqual({ user_id: client.id, deleted: true });
    expect(await signInError(client)).not.toBeNull();
    expect(await count('select count(*) as n from public.wallet_ledger where user_id = $1', [client.id])).toBeGreaterThan(0);
    expect(await unbalancedWallets([client.id])).toBe(0);
  });
});

describe('exporting your data', () => {
  it('contains each kind of record and nothing of other users', async () => {
    const { client, creator, owner } = await fullHistory();
    const stranger = await fullHistory();
    const { data: job, error } = await client.kit.userData.requestExport();
    expect(error).toBeNull();
    expect(job?.type).toBe('users.export_data');

    let link: string | undefined;
    await eventually(
      async () => {
        await callWorker({ types: ['users.export_data'], max_jobs: 10 });
        const { data } = await client.kit.userData.exportResult(job!.id);
        link = data?.export?.signed_url;
        return link !== undefined;
      },
      20_000,
      'the export job',
    );

    const response = await fetch(link!);
    expect(response.status).toBe(200);
    const text = await response.text();
    const exported = JSON.parse(text);
    expect(exported.user_id).toBe(client.id);
    expect(exported.profile.id).toBe(client.id);
    expect(exported.account.email).toBe(client.email);
    for (const kind of ['devices', 'wallet_ledger', 'usages', 'feedback', 'support_tickets', 'vouchers', 'payments', 'memberships']) {
      expect(exported[kind].length, kind).toBeGreaterThan(0);
    }
    expect(exported.wallet.user_id).toBe(client.id);
    expect(exported.wallet_ledger.every((entry: { user_id: string }) => entry.user_id === client.id)).toBe(true);
    expect(exported.support_tickets[0].messages[0].body).toBe('What do you keep about me?');
    // Nothing of anyone else: not the creator's, the owner's or an unrelated user's e-mail or id (the
    // creator appears only as the other party of the client's usages).
    for (const other of [creator.email, owner.email, stranger.client.id, stranger.client.email, stranger.creator.id, owner.id]) {
      expect(text).not.toContain(other);
    }

    // The file is in the user's own folder; the link expires.
    const [object] = await sql<{ name: string }>("select name from storage.objects where bucket_id = 'media' and name like $1", [`${client.id}/exports/%`]);
    expect(object?.name).toBe(`${client.id}/exports/${job!.id}.json`);
  });
});
