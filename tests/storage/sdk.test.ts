/**
 * The SDK's storage namespaces: kit.profiles.uploadAvatar (profile follows the upload), kit.media
 * (upload, list, signed URL, download, remove) and kit.accounts.files, each with `{ data, error }`
 * and the SDK's error codes; the raw storage-js client stays at kit.supabase.storage.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createBusiness, createUser, objectRows, png, type TestBusiness, type TestUser } from './support.ts';

let user: TestUser;
let business: TestBusiness;
beforeAll(async () => {
  user = await createUser('st-sdk');
  business = await createBusiness({ accountant: { role: 'member', permissions: ['view_payments'] }, sales: { role: 'member' } });
});

describe('kit.profiles.uploadAvatar', () => {
  it('stores the image in the caller’s avatar folder and points avatar_url at its public URL', async () => {
    const { data, error } = await user.kit.profiles.uploadAvatar(png());
    expect(error).toBeNull();
    expect(data!.avatar_url).toMatch(new RegExp(`/storage/v1/object/public/avatars/${user.id}/avatar\\.png\\?v=`));
    const image = await fetch(data!.avatar_url!);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect((await user.kit.profiles.me()).data!.avatar_url).toBe(data!.avatar_url);
  });

  it('replacing it with a JPEG removes the PNG', async () => {
    const jpeg = new Blob([Buffer.from('ffd8ffe000104a464946', 'hex')], { type: 'image/jpeg' });
    const { data, error } = await user.kit.profiles.uploadAvatar(jpeg);
    expect(error).toBeNull();
    expect(data!.avatar_url).toContain('/avatar.jpg?v=');
    expect((await objectRows('avatars', `${user.id}/`)).map((r) => r.name)).toEqual([`${user.id}/avatar.jpg`]);
  });

  it('refuses a non-image and an image over 2 MB with stable codes, leaving the profile alone', async () => {
    const before = (await user.kit.profiles.me()).data!.avatar_url;
    expect((await user.kit.profiles.uploadAvatar(new Blob(['<svg/>'], { type: 'image/svg+xml' }))).error).toMatchObject({ code: 'unsupported_media_type', status: 415 });
    expect((await user.kit.profiles.uploadAvatar(png(2 * 1024 * 1024 + 10))).error).toMatchObject({ code: 'payload_too_large', status: 413 });
    expect((await user.kit.profiles.me()).data!.avatar_url).toBe(before);
  });
});

describe('kit.media', () => {
  it('upload, list, signed URL, download and remove in the caller’s folder', async () => {
    const media = user.kit.media;
    const up = await media.upload('docs/note.txt', new Blob(['private note'], { type: 'text/plain' }));
    expect(up.error).toBeNull();
    expect(up.data).toMatchObject({ name: 'docs/note.txt', path: `${user.id}/docs/note.txt` });
    expect((await media.upload('docs/note.txt', new Blob(['again']))).error).toMatchObject({ code: 'conflict' });
    const listed = await media.list({ prefix: 'docs' });
    expect(listed.data).toEqual([expect.objectContaining({ name: 'note.txt', size: 12, contentType: 'text/plain' })]);
    const url = await media.signedUrl('docs/note.txt', { expires_in: 60 });
    expect(await (await fetch(url.data!)).text()).toBe('private note');
    expect(await (await media.download('docs/note.txt')).data!.text()).toBe('private note');
    expect((await media.remove(['docs/note.txt', 'docs/missing.txt'])).data).toEqual(['docs/note.txt']);
    expect((await media.download('docs/note.txt')).error).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('refuses traversal names and bad expiries before any request; signed out is unauthorized', async () => {
    expect((await user.kit.media.upload('../x.txt', 'x')).error).toMatchObject({ code: 'validation_failed' });
    expect((await user.kit.media.signedUrl('a.txt', { expires_in: 0 })).error).toMatchObject({ code: 'validation_failed' });
    const anonymous = (await createUser('st-sdk-out')).kit;
    await anonymous.auth.signOut();
    expect((await anonymous.media.list()).error).toMatchObject({ code: 'unauthorized' });
  });

  it('the raw storage-js client is still there', () => {
    expect(typeof user.kit.supabase.storage.from('media').upload).toBe('function');
  });
});

describe('kit.accounts.files', () => {
  it('the owner uploads; a member with view_payments lists and reads; a plain member is refused', async () => {
    const owner = business.owner.kit;
    expect((await owner.accounts.files.upload('contracts/c1.pdf', new Blob(['%PDF'], { type: 'application/pdf' }))).error).toBeNull();
    const accountant = business.members.accountant!.kit;
    expect((await accountant.accounts.files.list({ prefix: 'contracts' })).data!.map((f) => f.name)).toEqual(['c1.pdf']);
    expect(await (await accountant.accounts.files.download('contracts/c1.pdf')).data!.text()).toBe('%PDF');
    expect((await accountant.accounts.files.upload('contracts/c2.pdf', new Blob(['x']))).error).toMatchObject({ code: 'forbidden' });
    const sales = business.members.sales!.kit;
    expect((await sales.accounts.files.download('contracts/c1.pdf')).error).toMatchObject({ code: 'not_found' });
    expect((await owner.accounts.files.remove(['contracts/c1.pdf'])).data).toEqual(['contracts/c1.pdf']);
  });
});
