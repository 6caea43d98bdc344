/**
 * Signed URLs through storage-js: one and many download URLs (only for what the caller may read),
 * their expiry and tampering, and signed upload URLs (probed as the caller, used without a session).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { anonClient, createUser, fileName, objectRows, stack, storageOf, type TestUser } from './support.ts';

let owner: TestUser;
let other: TestUser;
beforeAll(async () => {
  [owner, other] = await Promise.all([createUser('st-sign-owner'), createUser('st-sign-other')]);
});

const secret = () => new TextEncoder().encode(stack.jwtSecret);

describe('signed download URLs', () => {
  it('the owner signs a URL anyone can open until it expires; Expires replaces Cache-Control', async () => {
    const path = `${owner.id}/${fileName()}`;
    await storageOf(owner)
      .from('media')
      .upload(path, new Blob(['shared']));
    const signed = await storageOf(owner).from('media').createSignedUrl(path, 60);
    expect(signed.error).toBeNull();
    const response = await fetch(signed.data!.signedUrl);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('shared');
    expect(response.headers.get('expires')).toBeTruthy();
    expect(response.headers.get('cache-control')).toBeNull();
    const named = await storageOf(owner).from('media').createSignedUrl(path, 60, { download: 'report.txt' });
    expect((await fetch(named.data!.signedUrl)).headers.get('content-disposition')).toContain('filename=report.txt');
  });

  it('another user cannot sign the owner’s file; the batch reports it per path', async () => {
    const path = `${owner.id}/${fileName()}`;
    await storageOf(owner)
      .from('media')
      .upload(path, new Blob(['x']));
    expect((await storageOf(other).from('media').createSignedUrl(path, 60)).error).toMatchObject({ statusCode: '404' });
    const mine = `${other.id}/${fileName()}`;
    await storageOf(other)
      .from('media')
      .upload(mine, new Blob(['y']));
    const batch = await storageOf(other).from('media').createSignedUrls([mine, path], 60);
    expect(batch.data![0]).toMatchObject({ path: mine, error: null });
    expect(batch.data![1]).toMatchObject({ path, error: 'Either the object does not exist or you do not have access to it', signedUrl: null });
  });

  it('an expired, forged, re-pointed or upload-scoped token is refused', async () => {
    const path = `${owner.id}/${fileName()}`;
    await storageOf(owner)
      .from('media')
      .upload(path, new Blob(['x']));
    const base = `${stack.url}/storage/v1/object/sign/media/${path}`;
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ url: `media/${path}`, scope: 'download' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(now - 120)
      .setExpirationTime(now - 60)
      .sign(secret());
    expect(await (await fetch(`${base}?token=${expired}`)).json()).toMatchObject({ statusCode: '400', error: 'InvalidJWT', message: '"exp" claim timestamp check failed' });
    const forged = await new SignJWT({ url: `media/${path}`, scope: 'download' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode('another-secret-another-secret-another'));
    expect(await (await fetch(`${base}?token=${forged}`)).json()).toMatchObject({ error: 'InvalidJWT', message: 'signature verification failed' });
    const mine = `${other.id}/${fileName()}`;
    await storageOf(other)
      .from('media')
      .upload(mine, new Blob(['z']));
    const signedForMine = (await storageOf(other).from('media').createSignedUrl(mine, 60)).data!.signedUrl;
    const token = new URL(signedForMine).searchParams.get('token');
    const repointed = await fetch(`${base}?token=${token}`);
    expect(repointed.status).toBe(400);
    expect(await repointed.json()).toMatchObject({ error: 'InvalidSignature', message: 'Invalid signature' });
    const uploadToken = await new SignJWT({ url: `media/${path}`, upsert: false, scope: 'upload' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(now + 60)
      .sign(secret());
    expect(await (await fetch(`${base}?token=${uploadToken}`)).json()).toMatchObject({ message: 'Token is not scoped for download' });
  });

  it('a URL signed for one second stops working', async () => {
    const path = `${owner.id}/${fileName()}`;
    await storageOf(owner)
      .from('media')
      .upload(path, new Blob(['x']));
    const signed = await storageOf(owner).from('media').createSignedUrl(path, 1);
    const deadline = Date.now() + 5000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await fetch(signed.data!.signedUrl)).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(400);
  });
});

describe('signed upload URLs', () => {
  it('the owner creates one; uploading with it needs no session and records the owner', async () => {
    const path = `${owner.id}/${fileName()}`;
    const created = await storageOf(owner).from('media').createSignedUploadUrl(path);
    expect(created.error).toBeNull();
    const uploaded = await anonClient()
      .storage.from('media')
      .uploadToSignedUrl(path, created.data!.token, new Blob(['via url']));
    expect(uploaded.error).toBeNull();
    expect(await objectRows('media', path)).toEqual([{ name: path, owner_id: owner.id }]);
    const again = await anonClient()
      .storage.from('media')
      .uploadToSignedUrl(path, created.data!.token, new Blob(['twice']));
    expect(again.error).toMatchObject({ statusCode: '409' });
  });

  it('no upload URL for a folder the caller may not write, and a token is bound to its path', async () => {
    expect((await storageOf(other).from('media').createSignedUploadUrl(`${owner.id}/${fileName()}`)).error).toMatchObject({ statusCode: '403' });
    const mine = `${other.id}/${fileName()}`;
    const created = await storageOf(other).from('media').createSignedUploadUrl(mine);
    const target = `${owner.id}/${fileName()}`;
    const hijack = await anonClient()
      .storage.from('media')
      .uploadToSignedUrl(target, created.data!.token, new Blob(['planted']));
    expect(hijack.error).toMatchObject({ statusCode: '400', message: 'Invalid signature' });
    expect(await objectRows('media', target)).toEqual([]);
  });
});
