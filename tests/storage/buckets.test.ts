/**
 * Buckets through storage-js: the service role creates, reads, lists, updates, empties and deletes
 * them with storage-api's validation; users and anon get only what policies on storage.buckets allow
 * (none: bucket management is a service-role job here).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { anonClient, createUser, serviceClient, sql, storageOf, type TestUser } from './support.ts';

let user: TestUser;
beforeAll(async () => {
  user = await createUser('st-bucket');
});

const bucketName = () => `test-${randomUUID().slice(0, 8)}`;

describe('buckets as the service role', () => {
  it('create, get, list, update, empty and delete', async () => {
    const storage = serviceClient().storage;
    const name = bucketName();
    expect(await storage.createBucket(name, { public: false, fileSizeLimit: '1MB', allowedMimeTypes: ['text/plain'] })).toEqual({ data: { name }, error: null });
    const got = await storage.getBucket(name);
    expect(got.data).toMatchObject({ id: name, name, public: false, file_size_limit: 1_000_000, allowed_mime_types: ['text/plain'], owner: '' });
    const listed = await storage.listBuckets({ search: name });
    expect(listed.data!.map((b) => b.id)).toEqual([name]);
    expect(listed.data![0]).toMatchObject({ type: 'STANDARD' });

    expect((await storage.updateBucket(name, { public: true, fileSizeLimit: 10, allowedMimeTypes: ['text/*'] })).data).toEqual({ message: 'Successfully updated' });
    expect((await storage.getBucket(name)).data).toMatchObject({ public: true, file_size_limit: 10, allowed_mime_types: ['text/*'] });

    const files = storage.from(name);
    expect((await files.upload('a.txt', 'hello', { contentType: 'text/plain' })).error).toBeNull();
    expect((await files.upload('big.txt', 'more than ten bytes', { contentType: 'text/plain' })).error).toMatchObject({ statusCode: '413' });
    expect((await files.upload('a.json', '{}', { contentType: 'application/json' })).error).toMatchObject({ statusCode: '415' });

    const notEmpty = await storage.deleteBucket(name);
    expect(notEmpty.error).toMatchObject({ statusCode: '409', message: 'The bucket you tried to delete is not empty' });
    expect((await storage.emptyBucket(name)).data).toEqual({ message: 'Empty bucket has been queued. Completion may take up to an hour.' });
    expect(await sql('select 1 from storage.objects where bucket_id = $1', [name])).toEqual([]);
    expect((await storage.deleteBucket(name)).data).toEqual({ message: 'Successfully deleted' });
    expect((await storage.getBucket(name)).error).toMatchObject({ statusCode: '404', message: 'Bucket not found' });
  });

  it('refuses a duplicate, a bad name, a bad MIME type entry and a limit above the global one', async () => {
    const storage = serviceClient().storage;
    const name = bucketName();
    await storage.createBucket(name);
    expect((await storage.createBucket(name)).error).toMatchObject({ statusCode: '409', message: 'The resource already exists' });
    expect((await storage.createBucket('bad/name')).error).toMatchObject({ statusCode: '400', message: 'Bucket name invalid' });
    expect((await storage.createBucket(' padded')).error).toMatchObject({ statusCode: '400', message: 'Bucket name invalid' });
    expect((await storage.createBucket(bucketName(), { public: false, allowedMimeTypes: ['not a type'] })).error).toMatchObject({ statusCode: '415' });
    expect((await storage.createBucket(bucketName(), { public: false, fileSizeLimit: '5GB' })).error).toMatchObject({ statusCode: '413' });
    expect((await storage.updateBucket('no-such-bucket', { public: true })).error).toMatchObject({ statusCode: '404' });
    await storage.deleteBucket(name);
  });

  it('the product buckets exist with their limits', async () => {
    const { data } = await serviceClient().storage.listBuckets();
    const byId = Object.fromEntries(data!.map((b) => [b.id, b]));
    expect(byId.avatars).toMatchObject({ public: true, file_size_limit: 2 * 1024 * 1024, allowed_mime_types: ['image/png', 'image/jpeg', 'image/webp'] });
    expect(byId.media).toMatchObject({ public: false, file_size_limit: 20 * 1024 * 1024 });
    expect(byId['account-files']).toMatchObject({ public: false });
  });
});

describe('buckets as users and anon', () => {
  it('a user neither creates, sees, updates, empties nor deletes buckets', async () => {
    const storage = storageOf(user);
    expect((await storage.createBucket(bucketName())).error).toMatchObject({ statusCode: '403' });
    expect((await storage.listBuckets()).data).toEqual([]);
    expect((await storage.getBucket('media')).error).toMatchObject({ statusCode: '404' });
    expect((await storage.updateBucket('avatars', { public: false })).error).toMatchObject({ statusCode: '404' });
    const empty = await storage.emptyBucket('media');
    expect(empty.error).toMatchObject({ status: 403, message: 'Access denied: Invalid role' });
    expect((await storage.deleteBucket('media')).error).toBeTruthy();
    expect((await serviceClient().storage.getBucket('avatars')).data).toMatchObject({ public: true });
  });

  it('anon cannot create or empty buckets', async () => {
    const storage = anonClient().storage;
    expect((await storage.createBucket(bucketName())).error).toMatchObject({ statusCode: '403' });
    expect((await storage.emptyBucket('media')).error).toMatchObject({ status: 403 });
  });
});
