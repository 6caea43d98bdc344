/**
 * Member batches through the SDK: one call creates up to 500 invited members and reports every row;
 * invalid and repeated rows and existing users are reported without being created; nothing is left
 * half-created; the limit and the caller's rights are enforced before anything is written.
 */
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_SIZE } from '../../src/sdk/index.ts';
import { accessToken, callFunction, createBusiness, createUser, mailTo, sql, uniqueEmail, waitForMail } from './support.ts';

const authUsersWith = async (emails: string[]) =>
  (await sql<{ n: number }>('select count(*)::int as n from auth.users where lower(email) = any($1::text[])', [emails.map((e) => e.toLowerCase())]))[0]!.n;

describe('member batches', () => {
  it('creates the valid rows and reports invalid, repeated and existing ones without creating them', async () => {
    const business = await createBusiness({ admin: { role: 'admin' } });
    const existing = await createUser('existing');
    const fresh = [uniqueEmail('batch-a'), uniqueEmail('batch-b'), uniqueEmail('batch-c')];
    const { data, error } = await business.members.admin!.kit.accounts.batches.create({
      name: 'Spring intake',
      members: [
        { full_name: 'Ana Batch', email: fresh[0]!, phone: '+14155550111' },
        { full_name: 'Bo Batch', email: fresh[1]!, job_title: 'Setter' },
        { full_name: 'Not An Email', email: 'not-an-email' },
        { full_name: 'Ana Again', email: fresh[0]!.toUpperCase() },
        { full_name: 'Already Here', email: existing.email },
        { full_name: '', email: fresh[2]! },
      ],
    });
    expect(error).toBeNull();
    expect(data!.counts).toEqual({ created: 2, already_exists: 1, invalid: 3, failed: 0 });
    expect(data!.results.map((r) => r.status)).toEqual(['created', 'created', 'invalid', 'invalid', 'already_exists', 'invalid']);
    expect(data!.results[2]!.errors).toEqual({ email: ['Enter a valid e-mail address'] });
    expect(data!.results[3]!.errors).toEqual({ email: ['Repeats row 0'] });
    expect(data!.results[5]!.errors).toEqual({ full_name: ['Required'] });
    expect(data!.batch).toMatchObject({ name: 'Spring intake', requested_count: 6, created_count: 2, existing_count: 1, invalid_count: 3, failed_count: 0 });
    expect(data!.batch.completed_at).not.toBeNull();

    // Only the created rows exist as users and members; each got an invite.
    expect(await authUsersWith([fresh[2]!])).toBe(0);
    const members = await business.owner.kit.accounts.batches.members(data!.batch.id);
    expect(members.data!.items.map((m) => m.email).sort()).toEqual([fresh[0], fresh[1]].sort());
    expect(members.data!.items.every((m) => m.role === 'member' && m.permissions.length === 0)).toBe(true);
    for (const email of [fresh[0]!, fresh[1]!]) expect((await waitForMail(email, 'invite')).subject).toBe('You have been invited');
    const [existingMembership] = await sql<{ n: number }>('select count(*)::int as n from public.account_members where user_id = $1', [existing.id]);
    expect(existingMembership!.n).toBe(0);

    // Listed with the other batches of the account.
    const list = await business.owner.kit.accounts.batches.list();
    expect(list.data!.items.map((b) => b.id)).toEqual([data!.batch.id]);
  });

  it('refuses more than 500 rows before sending, and the function refuses them too, writing nothing', async () => {
    const business = await createBusiness();
    const rows = Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => ({ full_name: `Row ${i}`, email: uniqueEmail(`over${i}`) }));
    const viaSdk = await business.owner.kit.accounts.batches.create({ name: 'Too big', members: rows });
    expect(viaSdk.error).toMatchObject({ code: 'validation_failed', status: 400, details: { fieldErrors: { members: ['At most 500 members per batch'] } } });
    const raw = await callFunction('account-batches', {
      bearer: await accessToken(business.owner.kit),
      body: { account_id: business.accountId, name: 'Too big', members: rows },
    });
    expect(raw.status).toBe(400);
    expect(raw.body.error).toMatchObject({ code: 'validation_failed', details: { fieldErrors: { members: ['At most 500 members per batch'] } } });
    const [batches] = await sql<{ n: number }>('select count(*)::int as n from public.member_batches where account_id = $1', [business.accountId]);
    expect(batches!.n).toBe(0);
    expect(await authUsersWith(rows.slice(0, 5).map((r) => r.email))).toBe(0);
  });

  it('refuses a batch where no row can be created, leaving no empty batch behind', async () => {
    const business = await createBusiness();
    const { error } = await business.owner.kit.accounts.batches.create({ name: 'Nothing', members: [{ full_name: 'X', email: 'nope' }] });
    expect(error).toMatchObject({ code: 'nothing_to_create', status: 422 });
    expect((error!.details as { results: unknown[] }).results).toEqual([{ index: 0, email: 'nope', status: 'invalid', errors: { email: ['Enter a valid e-mail address'] } }]);
    const [batches] = await sql<{ n: number }>('select count(*)::int as n from public.member_batches where account_id = $1', [business.accountId]);
    expect(batches!.n).toBe(0);
  });

  it('lets only those who may add members create batches, and names are unique per account', async () => {
    const business = await createBusiness({ plain: { role: 'member' }, inviter: { role: 'member', permissions: ['manage_members'] } });
    const members = [{ full_name: 'Someone', email: uniqueEmail('someone') }];
    const refused = await business.members.plain!.kit.accounts.batches.create({ name: 'Mine', members });
    expect(refused.error).toMatchObject({ code: 'forbidden', status: 403 });
    expect(await authUsersWith([members[0]!.email])).toBe(0);
    const allowed = await business.members.inviter!.kit.accounts.batches.create({ name: 'Theirs', members });
    expect(allowed.data?.counts.created).toBe(1);
    const clash = await business.owner.kit.accounts.batches.create({ name: 'THEIRS', members: [{ full_name: 'Other', email: uniqueEmail('other') }] });
    expect(clash.error).toMatchObject({ code: 'batch_name_taken', status: 409 });
    const outsider = await createUser('outsider');
    const raw = await callFunction('account-batches', { bearer: await accessToken(outsider.kit), body: { account_id: business.accountId, name: 'X', members } });
    expect(raw.status).toBe(403);
  });

  it('a retry with the same Idempotency-Key returns the first answer without inviting anyone twice', async () => {
    const business = await createBusiness();
    const email = uniqueEmail('once');
    const input = { name: 'Once', members: [{ full_name: 'Only Once', email }] };
    const first = await business.owner.kit.accounts.batches.create(input, { idempotencyKey: 'batch-once' });
    const second = await business.owner.kit.accounts.batches.create(input, { idempotencyKey: 'batch-once' });
    expect(first.error).toBeNull();
    expect(second.data).toEqual(first.data);
    expect((await mailTo(email)).filter((m) => m.type === 'invite')).toHaveLength(1);
  });
});

describe('adding one member', () => {
  it('owners add admins with permissions, admins cannot add owners, and an existing e-mail is a conflict', async () => {
    const business = await createBusiness({ admin: { role: 'admin' } });
    const added = await business.owner.kit.accounts.members.add({ email: uniqueEmail('new-admin'), full_name: 'New Admin', role: 'admin', permissions: ['view_payments'] });
    expect(added.data?.member).toMatchObject({ role: 'admin' });
    const raw = await callFunction('account-members', {
      bearer: await accessToken(business.members.admin!.kit),
      body: { account_id: business.accountId, email: uniqueEmail('x'), full_name: 'X', role: 'owner' },
    });
    expect(raw.status).toBe(400);
    expect(raw.body.error.details.fieldErrors.role).toEqual(['Use admin or member']);
    const taken = await business.owner.kit.accounts.members.add({ email: business.members.admin!.email, full_name: 'Again' });
    expect(taken.error).toMatchObject({ code: 'already_exists', status: 409 });
    const malformed = await business.owner.kit.accounts.members.add({ email: 'bad@', full_name: 'Bad' });
    expect(malformed.error).toMatchObject({ code: 'validation_failed', details: { fieldErrors: { email: ['Enter a valid e-mail address'] } } });
  });

  it('owners and admins manage access under the rules; an admin never touches the owner', async () => {
    const business = await createBusiness({ admin: { role: 'admin' }, member: { role: 'member' } });
    const adminKit = business.members.admin!.kit;
    const memberId = business.members.member!.id;
    const granted = await adminKit.accounts.members.setAccess(memberId, { permissions: ['manage_payments'] });
    expect(granted.data?.permissions).toEqual(['view_payments', 'manage_payments']);
    expect((await adminKit.accounts.members.setAccess(business.owner.id, { role: 'member' })).error?.code).toBe('owner_protected');
    const raw = await adminKit.supabase.from('account_members').update({ role: 'member' }).eq('account_id', business.accountId).eq('user_id', business.owner.id);
    expect(raw.error?.code).toBe('owner_protected');
    expect((await adminKit.accounts.members.deactivate(memberId)).data?.is_active).toBe(false);
    const me = await business.members.member!.kit.accounts.mine();
    expect(me.data?.items).toEqual([expect.objectContaining({ is_active: false, usable: false })]);
    expect((await business.members.member!.kit.accounts.members.setAccess(business.members.admin!.id, { role: 'member' })).error?.code).toBe('no_account');
  });
});
