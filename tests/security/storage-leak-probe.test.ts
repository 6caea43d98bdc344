/**
 * Leak probe: user B, signed in, lists and downloads everything in every bucket it can name — by
 * folder, by guessed path, by search, through signed URLs and info — and finds nothing of user A's
 * private files (media, account-files). Public avatars are public by design and excluded.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createBusiness, createUser, fileName, serviceClient, stack, storageFetch, storageOf, tokenOf, type TestBusiness, type TestUser } from '../storage/support.ts';

let a: TestUser;
let b: TestUser;
let business: TestBusiness;
const secrets: { bucket: string; path: string }[] = [];

beforeAll(async () => {
  [a, b] = await Promise.all([createUser('leak-a'), createUser('leak-b')]);
  business = await createBusiness();
  for (const path of [`${a.id}/${fileName()}`, `${a.id}/deep/er/${fileName()}`]) {
    await storageOf(a)
      .from('media')
      .upload(path, new Blob([`A-SECRET ${path}`]));
    secrets.push({ bucket: 'media', path });
  }
  const contract = `${business.accountId}/${fileName()}`;
  await storageOf(business.owner)
    .from('account-files')
    .upload(contract, new Blob(['A-SECRET contract']));
  secrets.push({ bucket: 'account-files', path: contract });
});

describe('user B probing for user A’s private files', () => {
  it('sees no bucket, and every listing is empty of A’s entries', async () => {
    const storage = storageOf(b);
    expect((await storage.listBuckets()).data).toEqual([]);
    for (const bucket of ['media', 'account-files', 'avatars']) {
      for (const prefix of ['', a.id, `${a.id}/deep`, business.accountId]) {
        const { data } = await storage.from(bucket).list(prefix, { limit: 1000 });
        const names = (data ?? []).map((e) => e.name);
        expect(names.filter((n) => n === a.id || n === business.accountId || n === 'deep')).toEqual([]);
      }
      const searched = await storage.from(bucket).list('', { search: a.id.slice(0, 4) });
      expect((searched.data ?? []).map((e) => e.name)).not.toContain(a.id);
    }
  });

  it('downloads, info, exists, signed URLs and raw routes of every secret fail', async () => {
    const storage = storageOf(b);
    const token = await tokenOf(b);
    for (const { bucket, path } of secrets) {
      expect((await storage.from(bucket).download(path)).data).toBeNull();
      expect((await storage.from(bucket).info(path)).data).toBeNull();
      expect((await storage.from(bucket).exists(path)).data).toBe(false);
      expect((await storage.from(bucket).createSignedUrl(path, 60)).data).toBeNull();
      const batch = await storage.from(bucket).createSignedUrls([path], 60);
      expect(batch.data?.[0]?.signedUrl ?? null).toBeNull();
      for (const route of [`/object/${bucket}/${path}`, `/object/authenticated/${bucket}/${path}`, `/object/public/${bucket}/${path}`, `/object/info/${bucket}/${path}`]) {
        const response = await storageFetch(route, { bearer: token });
        expect(JSON.stringify(response.body)).not.toContain('A-SECRET');
        expect(response.status).toBe(400);
      }
      const anon = await fetch(`${stack.url}/storage/v1/object/${bucket}/${path}`);
      expect(await anon.text()).not.toContain('A-SECRET');
    }
  });

  it('B cannot move, copy, overwrite or remove A’s files, and A’s files are intact afterwards', async () => {
    const storage = storageOf(b);
    for (const { bucket, path } of secrets) {
      await storage.from(bucket).move(path, `${b.id}/${fileName()}`);
      await storage.from(bucket).copy(path, `${b.id}/${fileName()}`);
      await storage.from(bucket).upload(path, new Blob(['overwritten']), { upsert: true });
      await storage.from(bucket).update(path, new Blob(['overwritten']));
      await storage.from(bucket).remove([path]);
      const original = await serviceClient().storage.from(bucket).download(path);
      expect(await original.data!.text()).toContain('A-SECRET');
    }
    const { data } = await storage.from('media').list(b.id, { limit: 1000 });
    expect((data ?? []).length).toBe(0);
  });
});
