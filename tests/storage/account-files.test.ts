/**
 * account-files: a business account's private folder. Members holding view_payments (owners and
 * admins hold every permission) read; owners and admins write; plain members without the permission
 * and members of another account see nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.ts';
import { createBusiness, fileName, objectRows, serviceClient, sql, storageOf, type TestBusiness } from './support.ts';

let acme: TestBusiness;
let rival: TestBusiness;
beforeAll(async () => {
  [acme, rival] = await Promise.all([
    createBusiness({ admin: { role: 'admin' }, accountant: { role: 'member', permissions: ['view_payments'] }, sales: { role: 'member' } }),
    createBusiness({ outsider: { role: 'admin' } }),
  ]);
});

describe('account-files', () => {
  it('the owner and an admin upload; a member with view_payments reads; a plain member does not', async () => {
    const contract = `${acme.accountId}/contracts/${fileName('pdf')}`;
    expect(
      (
        await storageOf(acme.owner)
          .from('account-files')
          .upload(contract, new Blob(['%PDF-1.4'], { type: 'application/pdf' }))
      ).error,
    ).toBeNull();
    const invoice = `${acme.accountId}/invoices/${fileName('pdf')}`;
    expect(
      (
        await storageOf(acme.members.admin!)
          .from('account-files')
          .upload(invoice, new Blob(['%PDF-1.4']))
      ).error,
    ).toBeNull();

    expect(await (await storageOf(acme.members.accountant!).from('account-files').download(contract)).data!.text()).toBe('%PDF-1.4');
    const listed = await storageOf(acme.members.accountant!).from('account-files').list(acme.accountId);
    expect(listed.data!.map((e) => e.name)).toEqual(['contracts', 'invoices']);

    expect((await storageOf(acme.members.sales!).from('account-files').download(contract)).error).toMatchObject({ statusCode: '404' });
    expect((await storageOf(acme.members.sales!).from('account-files').list(acme.accountId)).data).toEqual([]);
  });

  it('a member with view_payments cannot write, and a plain member cannot either', async () => {
    for (const user of [acme.members.accountant!, acme.members.sales!]) {
      const path = `${acme.accountId}/${fileName()}`;
      expect(
        (
          await storageOf(user)
            .from('account-files')
            .upload(path, new Blob(['x']))
        ).error,
      ).toMatchObject({ statusCode: '403' });
      expect(await objectRows('account-files', path)).toEqual([]);
    }
  });

  it('an admin of another account neither reads, lists, writes nor removes this account’s files', async () => {
    const path = `${acme.accountId}/${fileName()}`;
    await storageOf(acme.owner)
      .from('account-files')
      .upload(path, new Blob(['acme only']));
    const outsider = storageOf(rival.members.outsider!).from('account-files');
    expect((await outsider.download(path)).error).toMatchObject({ statusCode: '404' });
    expect((await outsider.list(acme.accountId)).data).toEqual([]);
    expect((await outsider.upload(`${acme.accountId}/${fileName()}`, new Blob(['x']))).error).toMatchObject({ statusCode: '403' });
    expect((await outsider.remove([path])).data).toEqual([]);
    expect(await objectRows('account-files', path)).toHaveLength(1);
  });

  it('a deactivated admin loses access at once', async () => {
    const business = await createBusiness({ leaving: { role: 'admin' } });
    const path = `${business.accountId}/${fileName()}`;
    await storageOf(business.owner)
      .from('account-files')
      .upload(path, new Blob(['x']));
    await sql('update public.account_members set is_active = false where user_id = $1', [business.members.leaving!.id]);
    expect((await storageOf(business.members.leaving!).from('account-files').download(path)).error).toMatchObject({ statusCode: '404' });
  });
});

describe('clean-up', () => {
  it('deleting an account removes its files; deleting a user removes their avatars and media', async () => {
    const business = await createBusiness();
    const accountFile = `${business.accountId}/${fileName()}`;
    await storageOf(business.owner)
      .from('account-files')
      .upload(accountFile, new Blob(['x']));
    const media = `${business.owner.id}/${fileName()}`;
    await storageOf(business.owner)
      .from('media')
      .upload(media, new Blob(['y']));
    await sql('delete from public.accounts where id = $1', [business.accountId]);
    expect(await objectRows('account-files', `${business.accountId}/`)).toEqual([]);
    await sql('delete from auth.users where id = $1', [business.owner.id]);
    expect(await objectRows('media', `${business.owner.id}/`)).toEqual([]);
  });
});

describe('clean-up of the bytes', () => {
  it('a deleted user’s blobs are removed from disk, not only their rows', async () => {
    const business = await createBusiness();
    const user = business.owner;
    const path = `${user.id}/${fileName()}`;
    await storageOf(user)
      .from('media')
      .upload(path, new Blob(['bytes to forget']));
    const [row] = await sql<{ id: string; version: string; metadata: unknown }>('select id, version, metadata from storage.objects where bucket_id = $1 and name = $2', [
      'media',
      path,
    ]);
    // An owner is deleted only after their business (it would be left without an owner).
    await sql('delete from public.accounts where id = $1', [business.accountId]);
    await sql('delete from auth.users where id = $1', [user.id]);
    // Put the row back as it was: if the bytes were still on disk, they would be served again.
    await sql('insert into storage.objects (id, bucket_id, name, version, metadata) values ($1, $2, $3, $4, $5)', [row!.id, 'media', path, row!.version, row!.metadata]);
    try {
      await eventually(
        async () => {
          const response = await serviceClient().storage.from('media').download(path);
          return response.error?.message === 'The resource was not found';
        },
        10_000,
        'the deleted user’s blob to be gone',
      );
    } finally {
      await sql(`select set_config('storage.allow_delete_query', 'true', false); delete from storage.objects where id = '${row!.id}'`);
    }
  });
});
