/**
 * Bucket routes: list, get, create, update, delete (as the caller, so policies on storage.buckets
 * decide) and empty (service role only), plus the start-up seeding of `[storage.buckets.*]`.
 */
import type pg from 'pg';
import type { ConfiguredBucket } from './config.ts';
import type { Ctx } from './context.ts';
import { inScope, serviceCaller, type Scope } from './db.ts';
import { errors, StorageError } from './errors.ts';
import type { Deps } from './context.ts';
import { assertBucketName, parseAllowedMimeTypes, parseBucketSizeLimit } from './validation.ts';

interface BucketRecord {
  id: string;
  name: string;
  owner: string | null;
  public: boolean;
  type?: string;
  file_size_limit: string | null;
  allowed_mime_types: string[] | null;
  created_at: Date;
  updated_at: Date;
}

function bucketBody(row: BucketRecord): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner ?? '',
    public: row.public,
    ...(row.type !== undefined ? { type: row.type } : {}),
    file_size_limit: row.file_size_limit === null ? null : Number(row.file_size_limit),
    allowed_mime_types: row.allowed_mime_types,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const SORT_COLUMNS = new Set(['id', 'name', 'created_at', 'updated_at']);

export async function listBuckets(ctx: Ctx): Promise<unknown[]> {
  const q = ctx.query;
  const params: unknown[] = [];
  let sql = 'select id, name, public, owner, created_at, updated_at, file_size_limit, allowed_mime_types, type from storage.buckets';
  const search = q.get('search');
  if (search) {
    params.push(`%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    sql += ` where name ilike $${params.length}`;
  }
  const column = q.get('sortColumn');
  if (column) {
    if (!SORT_COLUMNS.has(column)) throw errors.schema('querystring/sortColumn must be equal to one of the allowed values');
    const order = (q.get('sortOrder') ?? 'asc').toLowerCase();
    if (order !== 'asc' && order !== 'desc') throw errors.schema('querystring/sortOrder must be equal to one of the allowed values');
    sql += ` order by "${column}" ${order}`;
  }
  for (const name of ['limit', 'offset'] as const) {
    const raw = q.get(name);
    if (raw === null) continue;
    if (!/^\d+$/.test(raw)) throw errors.schema(`querystring/${name} must be integer`);
    params.push(Number(raw));
    sql += ` ${name} $${params.length}`;
  }
  const rows = await inScope(ctx.deps.pool, ctx.scope('storage.bucket.list'), async (tx) => (await tx.query<BucketRecord>(sql, params)).rows);
  return rows.map(bucketBody);
}

export async function getBucket(ctx: Ctx, id: string): Promise<Record<string, unknown>> {
  const row = await inScope(ctx.deps.pool, ctx.scope('storage.bucket.get'), async (tx) => {
    const { rows } = await tx.query<BucketRecord>(
      'select id, name, owner, public, created_at, updated_at, file_size_limit, allowed_mime_types from storage.buckets where id = $1 limit 1',
      [id],
    );
    return rows[0];
  });
  if (!row) throw errors.noSuchBucket();
  return bucketBody(row);
}

interface BucketSettings {
  public?: boolean;
  file_size_limit?: number | null;
  allowed_mime_types?: string[] | null;
}

function settingsFrom(body: Record<string, unknown>, globalLimit: number): BucketSettings {
  const settings: BucketSettings = {};
  if (body.public !== undefined) {
    if (typeof body.public !== 'boolean') throw errors.schema('body/public must be boolean');
    settings.public = body.public;
  }
  if (body.file_size_limit !== undefined) settings.file_size_limit = parseBucketSizeLimit(body.file_size_limit, globalLimit);
  if (body.allowed_mime_types !== undefined) settings.allowed_mime_types = parseAllowedMimeTypes(body.allowed_mime_types);
  return settings;
}

async function insertBucket(tx: pg.PoolClient, id: string, name: string, sub: string | undefined, settings: BucketSettings): Promise<void> {
  const uuid = sub && /^[0-9a-f-]{36}$/i.test(sub) ? sub : null;
  await tx.query(
    `insert into storage.buckets (id, name, owner, owner_id, public, allowed_mime_types, file_size_limit)
     values ($1, $2, $3, $4, coalesce($5, false), $6, $7)`,
    [id, name, uuid, sub ?? null, settings.public ?? null, settings.allowed_mime_types ?? null, settings.file_size_limit ?? null],
  );
}

export async function createBucket(ctx: Ctx): Promise<Record<string, string>> {
  const body = await ctx.json();
  if (body.name === undefined) throw errors.schema("body must have required property 'name'");
  assertBucketName(body.name);
  const id = body.id ?? body.name;
  assertBucketName(id);
  if (body.type !== undefined && body.type !== 'STANDARD') throw errors.featureNotEnabled('feature not enabled for this tenant');
  const settings = settingsFrom(body, ctx.deps.config.fileSizeLimit);
  try {
    await inScope(ctx.deps.pool, ctx.scope('storage.bucket.create'), (tx) => insertBucket(tx, id, body.name as string, ctx.who.sub, settings));
  } catch (error) {
    if (error instanceof StorageError && error.code === 'KeyAlreadyExists') throw errors.bucketExists();
    throw error;
  }
  return { name: body.name };
}

async function updateSettings(deps: Deps, scope: Scope, id: string, settings: BucketSettings): Promise<number> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  for (const [column, value] of Object.entries(settings)) {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  }
  return inScope(deps.pool, scope, async (tx) => {
    const result = await tx.query(`update storage.buckets set ${sets.join(', ')}, updated_at = now() where id = $1`, params);
    return result.rowCount ?? 0;
  });
}

export async function updateBucket(ctx: Ctx, id: string): Promise<Record<string, string>> {
  assertBucketName(id);
  const body = await ctx.json();
  const settings = settingsFrom(body, ctx.deps.config.fileSizeLimit);
  if (!Object.keys(settings).length) throw errors.schema('body must have at least 1 of public, file_size_limit, allowed_mime_types');
  const updated = await updateSettings(ctx.deps, ctx.scope('storage.bucket.update'), id, settings);
  if (!updated) throw errors.noSuchBucket();
  return { message: 'Successfully updated' };
}

export async function deleteBucket(ctx: Ctx, id: string): Promise<Record<string, string>> {
  assertBucketName(id);
  const state = await inScope(ctx.deps.pool, ctx.serviceScope('storage.bucket.delete'), async (tx) => {
    const bucket = await tx.query('select id from storage.buckets where id = $1', [id]);
    if (!bucket.rowCount) return 'missing';
    const objects = await tx.query('select 1 from storage.objects where bucket_id = $1 limit 1', [id]);
    return objects.rowCount ? 'not-empty' : 'empty';
  });
  if (state === 'missing') throw errors.noSuchBucket();
  if (state === 'not-empty') throw errors.bucketNotEmpty();
  let deleted: number;
  try {
    deleted = await inScope(ctx.deps.pool, ctx.scope('storage.bucket.delete'), async (tx) => {
      await tx.query('select id from storage.buckets where id = $1 for update', [id]);
      return (await tx.query('delete from storage.buckets where id = any($1::text[])', [[id]])).rowCount ?? 0;
    });
  } catch (error) {
    if (error instanceof StorageError && error.code === 'ResourceReferenced') throw errors.bucketNotEmpty();
    throw error;
  }
  if (!deleted) throw errors.noSuchBucket();
  return { message: 'Successfully deleted' };
}

/** storage-api's empty-bucket limit; a local server deletes synchronously. */
const EMPTY_BUCKET_MAX = 200_000;

export async function emptyBucket(ctx: Ctx, id: string): Promise<Record<string, string>> {
  if (!ctx.who.authenticated) throw errors.roleDenied('Access denied: JWT is not authenticated');
  if (ctx.who.role !== 'service_role') throw errors.roleDenied('Access denied: Invalid role');
  assertBucketName(id);
  const rows = await inScope(ctx.deps.pool, ctx.serviceScope('storage.bucket.empty'), async (tx) => {
    const bucket = await tx.query('select id from storage.buckets where id = $1', [id]);
    if (!bucket.rowCount) throw errors.noSuchBucket();
    const count = await tx.query<{ n: string }>('select count(*) as n from storage.objects where bucket_id = $1', [id]);
    if (Number(count.rows[0]!.n) > EMPTY_BUCKET_MAX) throw errors.tooManyObjects();
    return (await tx.query<{ name: string; version: string | null }>('delete from storage.objects where bucket_id = $1 returning name, version', [id])).rows;
  });
  for (const row of rows) await ctx.deps.blobs.remove(id, row.name, row.version);
  return { message: 'Empty bucket has been queued. Completion may take up to an hour.' };
}

/**
 * Creates or updates the `[storage.buckets.*]` buckets, as `supabase seed buckets` does on start:
 * matched by name, existing ones get the configured settings, others are never deleted.
 */
export async function seedConfiguredBuckets(deps: Deps, buckets: ConfiguredBucket[]): Promise<void> {
  const scope: Scope = {
    caller: serviceCaller(deps.config),
    request: { method: 'POST', path: '/bucket', headers: {} },
    operation: 'storage.bucket.create',
  };
  for (const bucket of buckets) {
    assertBucketName(bucket.name);
    const settings: BucketSettings = {};
    if (bucket.public !== undefined) settings.public = bucket.public;
    if (bucket.fileSizeLimit !== undefined) settings.file_size_limit = Math.min(bucket.fileSizeLimit, deps.config.fileSizeLimit);
    if (bucket.allowedMimeTypes !== undefined) settings.allowed_mime_types = parseAllowedMimeTypes(bucket.allowedMimeTypes);
    const existing = await inScope(deps.pool, scope, async (tx) => (await tx.query<{ id: string }>('select id from storage.buckets where name = $1', [bucket.name])).rows[0]);
    if (!existing) await inScope(deps.pool, scope, (tx) => insertBucket(tx, bucket.name, bucket.name, undefined, settings));
    else if (Object.keys(settings).length) await updateSettings(deps, { ...scope, operation: 'storage.bucket.update' }, existing.id, settings);
  }
}
