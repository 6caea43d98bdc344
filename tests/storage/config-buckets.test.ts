/**
 * `[storage.buckets.<name>]` from config.toml: on start the Storage server creates the configured
 * buckets, or updates them to the configured settings, like `supabase seed buckets`; buckets not in
 * the configuration are left alone. Sizes are read as the CLI reads them (binary units).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigSize, type ConfiguredBucket, type StorageConfig } from '../../src/storage/config.ts';
import { startStorageServer } from '../../src/storage/server.ts';
import { serviceClient, sql, stack } from './support.ts';

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

async function startWith(buckets: ConfiguredBucket[]): Promise<void> {
  const db = new URL(stack.dbUrl);
  const root = await mkdtemp(path.join(tmpdir(), 'storage-config-'));
  roots.push(root);
  const config: StorageConfig = {
    profile: 'test',
    host: '127.0.0.1',
    port: 0,
    root,
    db: { host: db.hostname, port: Number(db.port), user: 'supabase_storage_admin', password: decodeURIComponent(db.password), database: 'postgres' },
    jwtSecret: stack.jwtSecret,
    jwks: [],
    serviceKey: stack.serviceRoleKey,
    fileSizeLimit: 50 * 1024 * 1024,
    signedUploadExpirySeconds: 7200,
    buckets,
    logErrors: false,
  };
  const server = await startStorageServer(config);
  await server.close();
}

describe('configured buckets', () => {
  it('parses sizes like the CLI', () => {
    expect(parseConfigSize('50MiB', 'x')).toBe(50 * 1024 * 1024);
    expect(parseConfigSize('2MB', 'x')).toBe(2 * 1024 * 1024);
    expect(parseConfigSize('512KB', 'x')).toBe(512 * 1024);
    expect(parseConfigSize(undefined, 'x')).toBeUndefined();
    expect(() => parseConfigSize('lots', 'x')).toThrow('is not a size');
  });

  it('creates a configured bucket, then updates it to a changed configuration', async () => {
    const name = `cfg-${Date.now().toString(36)}`;
    await startWith([{ name, public: true, fileSizeLimit: 1024, allowedMimeTypes: ['image/png'] }]);
    expect((await serviceClient().storage.getBucket(name)).data).toMatchObject({ id: name, public: true, file_size_limit: 1024, allowed_mime_types: ['image/png'] });
    await startWith([{ name, public: false, fileSizeLimit: 2048 }]);
    expect((await serviceClient().storage.getBucket(name)).data).toMatchObject({ public: false, file_size_limit: 2048, allowed_mime_types: ['image/png'] });
    await sql(`select set_config('storage.allow_delete_query', 'true', false); delete from storage.buckets where id = '${name}'`);
  });

  it('leaves buckets that are not configured alone', async () => {
    await startWith([]);
    const { data } = await serviceClient().storage.listBuckets();
    expect(data!.map((b) => b.id)).toEqual(expect.arrayContaining(['avatars', 'media', 'account-files']));
  });
});
