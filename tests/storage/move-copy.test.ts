/**
 * Move and copy through storage-js: within the caller's own folder they work; into a folder the
 * caller may not write (another user's, another bucket's) they are refused and nothing changes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, fileName, objectRows, serviceClient, storageOf, type TestUser } from './support.ts';

let owner: TestUser;
let other: TestUser;
beforeAll(async () => {
  [owner, other] = await Promise.all([createUser('st-move-owner'), createUser('st-move-other')]);
});

describe('move', () => {
  it('renames within the owner’s folder, keeping id and bytes', async () => {
    const from = `${owner.id}/${fileName()}`;
    const to = `${owner.id}/moved/${fileName()}`;
    const up = await storageOf(owner)
      .from('media')
      .upload(from, new Blob(['moving']));
    expect((await storageOf(owner).from('media').move(from, to)).data).toEqual({ message: 'Successfully moved' });
    const info = await storageOf(owner).from('media').info(to);
    expect(info.data!.id).toBe(up.data!.id);
    expect(await (await storageOf(owner).from('media').download(to)).data!.text()).toBe('moving');
    expect((await storageOf(owner).from('media').download(from)).error).toMatchObject({ statusCode: '404' });
  });

  it('cannot move into another user’s folder, nor move someone else’s file', async () => {
    const from = `${owner.id}/${fileName()}`;
    await storageOf(owner)
      .from('media')
      .upload(from, new Blob(['stay']));
    const into = `${other.id}/${fileName()}`;
    expect((await storageOf(owner).from('media').move(from, into)).error).toMatchObject({ statusCode: '403' });
    expect(await objectRows('media', into)).toEqual([]);
    expect(await (await storageOf(owner).from('media').download(from)).data!.text()).toBe('stay');
    const steal = await storageOf(other).from('media').move(from, `${other.id}/${fileName()}`);
    expect(steal.error).toMatchObject({ statusCode: '404' });
    expect(await objectRows('media', from)).toHaveLength(1);
  });

  it('refuses to overwrite an existing destination', async () => {
    const a = `${owner.id}/${fileName()}`;
    const b = `${owner.id}/${fileName()}`;
    await storageOf(owner)
      .from('media')
      .upload(a, new Blob(['a']));
    await storageOf(owner)
      .from('media')
      .upload(b, new Blob(['b']));
    expect((await storageOf(owner).from('media').move(a, b)).error).toMatchObject({ statusCode: '409' });
    expect(await (await storageOf(owner).from('media').download(b)).data!.text()).toBe('b');
  });
});

describe('copy', () => {
  it('copies within the owner’s folder; the copy belongs to the caller', async () => {
    const from = `${owner.id}/${fileName()}`;
    const to = `${owner.id}/${fileName()}`;
    await storageOf(owner)
      .from('media')
      .upload(from, new Blob(['twin']));
    const copied = await storageOf(owner).from('media').copy(from, to);
    expect(copied.data).toEqual({ path: `media/${to}` });
    expect(await (await storageOf(owner).from('media').download(to)).data!.text()).toBe('twin');
    expect(await (await storageOf(owner).from('media').download(from)).data!.text()).toBe('twin');
  });

  it('cannot copy into another user’s folder or read-only bucket folders, nor copy what it cannot read', async () => {
    const from = `${owner.id}/${fileName()}`;
    await storageOf(owner)
      .from('media')
      .upload(from, new Blob(['private']));
    const into = `${other.id}/${fileName()}`;
    expect((await storageOf(owner).from('media').copy(from, into)).error).toMatchObject({ statusCode: '403' });
    expect(await objectRows('media', into)).toEqual([]);
    const exfiltrate = await storageOf(other).from('media').copy(from, `${other.id}/${fileName()}`);
    expect(exfiltrate.error).toMatchObject({ statusCode: '404' });
    const toPublic = await storageOf(owner).from('media').copy(from, `${owner.id}/leak.png`, { destinationBucket: 'avatars' });
    expect(toPublic.error).toBeTruthy();
    expect(await objectRows('avatars', `${owner.id}/leak.png`)).toEqual([]);
  });

  it('the service role copies anywhere', async () => {
    const from = `${owner.id}/${fileName()}`;
    await storageOf(owner)
      .from('media')
      .upload(from, new Blob(['svc']));
    const to = `${other.id}/${fileName()}`;
    expect((await serviceClient().storage.from('media').copy(from, to)).error).toBeNull();
    expect(await (await storageOf(other).from('media').download(to)).data!.text()).toBe('svc');
  });
});
