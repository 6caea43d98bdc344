/**
 * Objects through the real storage-js client (supabase-js): upload (multipart and raw, upsert rules),
 * download (authenticated and public, `?download=`), info, exists, list and remove in the product's
 * buckets, as anon, the owner, another user and the service role. RLS on storage.objects decides.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anonClient, createUser, fileName, objectRows, png, serviceClient, stack, storageFetch, storageOf, tokenOf, type TestUser } from './support.ts';

let owner: TestUser;
let other: TestUser;
let admin: TestUser;

beforeAll(async () => {
  [owner, other, admin] = await Promise.all([createUser('st-owner'), createUser('st-other'), createUser('st-admin', { admin: true })]);
});

describe('media (private, own folder)', () => {
  it('the owner uploads (multipart), downloads, reads info and checks existence', async () => {
    const path = `${owner.id}/${fileName()}`;
    const up = await storageOf(owner)
      .from('media')
      .upload(path, new Blob(['hello media'], { type: 'text/plain' }), { metadata: { note: 'n1' } });
    expect(up.error).toBeNull();
    expect(up.data).toMatchObject({ path, fullPath: `media/${path}` });

    const down = await storageOf(owner).from('media').download(path);
    expect(down.error).toBeNull();
    expect(await down.data!.text()).toBe('hello media');

    const info = await storageOf(owner).from('media').info(path);
    expect(info.error).toBeNull();
    expect(info.data).toMatchObject({ name: path, bucketId: 'media', size: 11, contentType: 'text/plain', metadata: { note: 'n1' } });
    expect(info.data!.etag).toMatch(/^"[0-9a-f]{32}"$/);

    expect((await storageOf(owner).from('media').exists(path)).data).toBe(true);
    expect((await storageOf(owner).from('media').exists(`${owner.id}/missing.txt`)).data).toBe(false);
    const [row] = await objectRows('media', path);
    expect(row!.owner_id).toBe(owner.id);
  });

  it('a raw upload keeps its content type and cache control', async () => {
    const path = `${owner.id}/${fileName('json')}`;
    const up = await storageOf(owner)
      .from('media')
      .upload(path, JSON.stringify({ a: 1 }), { contentType: 'application/json', cacheControl: '60' });
    expect(up.error).toBeNull();
    const response = await fetch(`${stack.url}/storage/v1/object/media/${path}`, {
      headers: { apikey: stack.publishableKey, authorization: `Bearer ${await tokenOf(owner)}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ a: 1 });
  });

  it('another user can neither read, list, overwrite nor remove the owner’s file', async () => {
    const path = `${owner.id}/${fileName()}`;
    await storageOf(owner)
      .from('media')
      .upload(path, new Blob(['secret']));
    const read = await storageOf(other).from('media').download(path);
    expect(read.error).toMatchObject({ statusCode: '404', message: 'Object not found' });
    const list = await storageOf(other).from('media').list(owner.id);
    expect(list.data).toEqual([]);
    const overwrite = await storageOf(other)
      .from('media')
      .upload(path, new Blob(['mine']), { upsert: true });
    expect(overwrite.error).toMatchObject({ statusCode: '403' });
    const removed = await storageOf(other).from('media').remove([path]);
    expect(removed.data).toEqual([]);
    const write = await storageOf(other)
      .from('media')
      .upload(`${owner.id}/planted.txt`, new Blob(['x']));
    expect(write.error).toMatchObject({ statusCode: '403', message: 'new row violates row-level security policy' });
    expect(await objectRows('media', `${owner.id}/planted`)).toEqual([]);
    expect(await (await storageOf(owner).from('media').download(path)).data!.text()).toBe('secret');
  });

  it('anon cannot read or write media, and an invalid token is refused', async () => {
    const path = `${owner.id}/${fileName()}`;
    await storageOf(owner)
      .from('media')
      .upload(path, new Blob(['x']));
    const anon = anonClient().storage.from('media');
    expect((await anon.download(path)).error).toMatchObject({ statusCode: '404' });
    expect((await anon.upload(`${owner.id}/anon.txt`, new Blob(['x']))).error).toMatchObject({ statusCode: '403' });
    const forged = await storageFetch(`/object/media/${path}`, { method: 'POST', bearer: 'not-a-jwt', body: 'x' });
    expect(forged.status).toBe(400);
    expect(forged.body).toMatchObject({ statusCode: '403', error: 'Unauthorized', message: 'Invalid Compact JWS' });
  });

  it('a platform admin reads every user’s media but writes none of it', async () => {
    const path = `${owner.id}/${fileName()}`;
    await storageOf(owner)
      .from('media')
      .upload(path, new Blob(['for admins']));
    expect(await (await storageOf(admin).from('media').download(path)).data!.text()).toBe('for admins');
    expect(
      (
        await storageOf(admin)
          .from('media')
          .upload(`${owner.id}/${fileName()}`, new Blob(['x']))
      ).error,
    ).toMatchObject({ statusCode: '403' });
  });

  it('the service role reads and writes anywhere', async () => {
    const path = `${owner.id}/${fileName()}`;
    const service = serviceClient().storage.from('media');
    expect((await service.upload(path, new Blob(['svc']))).error).toBeNull();
    expect(await (await service.download(path)).data!.text()).toBe('svc');
    expect(await (await storageOf(owner).from('media').download(path)).data!.text()).toBe('svc');
  });

  it('upsert rules: POST without x-upsert refuses an existing key, with upsert it replaces; update always replaces', async () => {
    const path = `${owner.id}/${fileName()}`;
    const files = storageOf(owner).from('media');
    expect((await files.upload(path, new Blob(['v1']))).error).toBeNull();
    const again = await files.upload(path, new Blob(['v2']));
    expect(again.error).toMatchObject({ statusCode: '409', message: 'The resource already exists' });
    expect(await (await files.download(path)).data!.text()).toBe('v1');
    expect((await files.upload(path, new Blob(['v3']), { upsert: true })).error).toBeNull();
    expect(await (await files.download(path)).data!.text()).toBe('v3');
    expect((await files.update(path, new Blob(['v4']))).error).toBeNull();
    expect(await (await files.download(path)).data!.text()).toBe('v4');
  });

  it('list: folders and files one level below the prefix, with search, limit, offset and sort', async () => {
    const files = storageOf(owner).from('media');
    const folder = `${owner.id}/list-${fileName('d')}`;
    for (const name of ['b.txt', 'a.txt', 'C.txt', 'sub/x.txt']) await files.upload(`${folder}/${name}`, new Blob([name]));
    const all = await files.list(folder);
    expect(all.error).toBeNull();
    expect(all.data!.map((e) => e.name)).toEqual(['a.txt', 'b.txt', 'C.txt', 'sub']);
    expect(all.data!.find((e) => e.name === 'sub')).toMatchObject({ id: null, metadata: null });
    expect(all.data!.find((e) => e.name === 'a.txt')!.metadata).toMatchObject({ size: 5, mimetype: 'application/octet-stream' });
    expect((await files.list(folder, { limit: 2, offset: 1 })).data!.map((e) => e.name)).toEqual(['b.txt', 'C.txt']);
    expect((await files.list(folder, { search: 'c' })).data!.map((e) => e.name)).toEqual(['C.txt']);
    expect((await files.list(folder, { sortBy: { column: 'name', order: 'desc' } })).data!.map((e) => e.name)).toEqual(['sub', 'C.txt', 'b.txt', 'a.txt']);
  });

  it('remove deletes only what the caller may delete and returns those rows', async () => {
    const files = storageOf(owner).from('media');
    const mine = `${owner.id}/${fileName()}`;
    await files.upload(mine, new Blob(['bye']));
    const removed = await files.remove([mine, `${owner.id}/never-there.txt`]);
    expect(removed.error).toBeNull();
    expect(removed.data!.map((r) => r.name)).toEqual([mine]);
    expect(await objectRows('media', mine)).toEqual([]);
    expect((await files.download(mine)).error).toMatchObject({ statusCode: '404' });
  });
});

describe('avatars (public read, own folder, images only)', () => {
  it('the owner uploads a PNG; anyone reads it by its public URL, with ?download', async () => {
    const path = `${owner.id}/avatar.png`;
    const up = await storageOf(owner).from('avatars').upload(path, png(), { upsert: true });
    expect(up.error).toBeNull();
    const { data } = anonClient().storage.from('avatars').getPublicUrl(path);
    const response = await fetch(data.publicUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    const named = await fetch(anonClient().storage.from('avatars').getPublicUrl(path, { download: 'me.png' }).data.publicUrl);
    expect(named.headers.get('content-disposition')).toBe("attachment; filename=me.png; filename*=UTF-8''me.png");
    const anonDownload = await anonClient().storage.from('avatars').download(path);
    expect(anonDownload.error).toBeNull();
  });

  it('nobody writes into another user’s avatar folder', async () => {
    const planted = await storageOf(other).from('avatars').upload(`${owner.id}/avatar.png`, png(), { upsert: true });
    expect(planted.error).toMatchObject({ statusCode: '403' });
    const anon = await anonClient().storage.from('avatars').upload(`${owner.id}/x.png`, png());
    expect(anon.error).toMatchObject({ statusCode: '403' });
  });

  it('refuses a non-image type, a MIME type the extension contradicts, and more than 2 MB', async () => {
    const [svg, jpeg, big] = [fileName('png'), fileName('png'), fileName('png')].map((n) => `${owner.id}/${n}`) as [string, string, string];
    const text = await storageOf(owner)
      .from('avatars')
      .upload(svg, new Blob(['<svg/>'], { type: 'image/svg+xml' }));
    expect(text.error).toMatchObject({ statusCode: '415', message: 'mime type image/svg+xml is not supported' });
    const mismatch = await storageOf(owner)
      .from('avatars')
      .upload(jpeg, new Blob([png()], { type: 'image/jpeg' }));
    expect(mismatch.error).toMatchObject({ statusCode: '403' });
    const tooBig = await storageOf(owner)
      .from('avatars')
      .upload(big, png(2 * 1024 * 1024 + 1));
    expect(tooBig.error).toMatchObject({ statusCode: '413', message: 'The object exceeded the maximum allowed size' });
    for (const name of [svg, jpeg, big]) expect(await objectRows('avatars', name)).toEqual([]);
  });
});

describe('download headers', () => {
  it('ETag with 304, byte ranges with 206, an invalid range with 416', async () => {
    const path = `${owner.id}/${fileName()}`;
    await storageOf(owner)
      .from('media')
      .upload(path, new Blob(['0123456789']));
    const auth = { apikey: stack.publishableKey, authorization: `Bearer ${await tokenOf(owner)}` };
    const url = `${stack.url}/storage/v1/object/authenticated/media/${path}`;
    const first = await fetch(url, { headers: auth });
    const etag = first.headers.get('etag')!;
    expect(etag).toBe('"781e5e245d69b566979b86e28d23f2c7"');
    expect(first.headers.get('accept-ranges')).toBe('bytes');
    expect((await fetch(url, { headers: { ...auth, 'if-none-match': etag } })).status).toBe(304);
    const ranged = await fetch(url, { headers: { ...auth, range: 'bytes=2-4' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 2-4/10');
    expect(await ranged.text()).toBe('234');
    const suffix = await fetch(url, { headers: { ...auth, range: 'bytes=-3' } });
    expect(await suffix.text()).toBe('789');
    const bad = await fetch(url, { headers: { ...auth, range: 'bytes=20-30' } });
    expect(bad.status).toBe(416);
    expect(await bad.json()).toMatchObject({ statusCode: '416', code: 'InvalidRange' });
  });

  it('an unknown route answers storage-api’s 404 and image transformations are not there', async () => {
    const missing = await storageFetch('/render/image/public/avatars/x.png');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ statusCode: '404', error: 'Not Found', message: 'Route GET:/render/image/public/avatars/x.png not found', code: 'InvalidRequest' });
  });
});
