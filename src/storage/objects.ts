/**
 * Object routes: upload (POST/PUT, raw and multipart, `x-upsert`), download (authenticated and public,
 * `?download=`), info, exists, list, remove, move and copy. Each runs its permission SQL as the caller
 * (a probe that rolls back, or the operation itself), then does the blob I/O and the final write as
 * service, in storage-api's order, so RLS on `storage.objects` decides as on hosted Supabase.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type pg from 'pg';
import type { WrittenBlob } from './blobs.ts';
import type { Ctx } from './context.ts';
import { inScope } from './db.ts';
import { errors, fromPostgres, StorageError } from './errors.ts';
import { metaText, serveObject, type ObjectRow } from './serve.ts';
import { assertBucketName, assertKey, assertMimeAllowed } from './validation.ts';

export interface BucketRow {
  id: string;
  name: string;
  public: boolean;
  file_size_limit: string | null;
  allowed_mime_types: string[] | null;
}

const OBJECT_COLUMNS = 'id, bucket_id, name, owner, owner_id, version, metadata, user_metadata, created_at, updated_at, last_accessed_at';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLACEHOLDER = '.emptyFolderPlaceholder';
/** Room for a multipart form's boundaries and fields around the file. */
const MULTIPART_OVERHEAD_BYTES = 1 << 20;
/** storage-api caps user metadata at 1 MB. */
const MAX_USER_METADATA_BYTES = 1 << 20;

/** The bucket, read as service; NoSuchBucket when absent. */
export async function bucketAsService(ctx: Ctx, id: string): Promise<BucketRow> {
  assertBucketName(id);
  // A read as the tables' owner (RLS does not apply to it): the same answer as a service-role scope
  // in one round trip instead of four.
  const bucket = await ctx.deps.pool.query<BucketRow>('select id, name, public, file_size_limit, allowed_mime_types from storage.buckets where id = $1 limit 1', [id]).then(
    (result) => result.rows[0],
    (error: unknown) => Promise.reject(fromPostgres(error)),
  );
  if (!bucket) throw errors.noSuchBucket();
  return bucket;
}

/** The largest upload this bucket takes: min(global limit, bucket limit). */
export function uploadLimit(ctx: Ctx, bucket: BucketRow, key: string): number {
  if (key.endsWith(PLACEHOLDER)) return 0;
  const bucketLimit = bucket.file_size_limit === null ? Infinity : Number(bucket.file_size_limit);
  return Math.min(ctx.deps.config.fileSizeLimit, bucketLimit);
}

/** The caller's sub as storage-api stores it: `owner_id` verbatim, `owner` only when it is a UUID. */
function owners(sub: string | undefined): { owner: string | null; ownerId: string | null } {
  return { owner: sub && UUID.test(sub) ? sub : null, ownerId: sub ?? null };
}

// --------------------------------------------------------------------------------------------- upload

interface UploadBody {
  mimetype: string;
  cacheControl: string;
  userMetadata: Record<string, unknown>;
  /** Multipart: the bytes, already in memory. Raw: undefined, the request stream is read later. */
  bytes?: Buffer;
}

function decodeMetadataHeader(value: string): Record<string, unknown> {
  if (!value) return {};
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw errors.invalidRequest('Invalid metadata');
}

async function readUploadBody(ctx: Ctx, limit: number): Promise<UploadBody> {
  const contentType = ctx.header('content-type');
  const declaredLength = ctx.header('content-length');
  if (declaredLength && Number(declaredLength) > limit && !ctx.path.endsWith(PLACEHOLDER)) throw errors.entityTooLarge();
  if (!/^multipart\/form-data/i.test(contentType)) {
    if (declaredLength === '0') throw errors.noContent();
    return {
      mimetype: contentType || 'application/octet-stream',
      cacheControl: ctx.header('cache-control') || 'no-cache',
      userMetadata: decodeMetadataHeader(ctx.header('x-metadata')),
    };
  }
  // Multipart goes through undici's parser, which reads the whole form: a body (chunked or not)
  // beyond the limit plus room for the fields is cut off as too large.
  const maxFormBytes = limit + MULTIPART_OVERHEAD_BYTES;
  let seen = 0;
  // Set by the stream as undici reads it: TypeScript cannot see that write from here.
  let tooLarge = false as boolean;
  const bounded = (Readable.toWeb(ctx.req) as ReadableStream<Uint8Array>).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        // Dropped, not cancelled (which would destroy the connection): the form then fails to parse.
        if (seen > maxFormBytes) tooLarge = true;
        else controller.enqueue(chunk);
      },
    }),
  );
  let form: FormData;
  try {
    form = await new Response(bounded, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw tooLarge ? errors.entityTooLarge() : errors.invalidRequest('Malformed multipart form data');
  }
  let file: File | undefined;
  for (const value of form.values()) {
    if (typeof value !== 'string') {
      file = value;
      break;
    }
  }
  if (!file) throw errors.noContent();
  if (file.size > limit) throw errors.entityTooLarge();
  const field = (name: string) => {
    const v = form.get(name);
    return typeof v === 'string' ? v : '';
  };
  let userMetadata: Record<string, unknown> = {};
  const metadataField = field('metadata') || field('userMetadata');
  if (metadataField) {
    try {
      const parsed = JSON.parse(metadataField) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      userMetadata = parsed as Record<string, unknown>;
    } catch {
      throw errors.invalidRequest('Invalid metadata');
    }
  }
  const seconds = field('cacheControl');
  return {
    mimetype: field('contentType') || file.type || 'text/plain;charset=UTF-8',
    cacheControl: /^\d+$/.test(seconds) ? `max-age=${seconds}` : 'no-cache',
    userMetadata,
    bytes: Buffer.from(await file.arrayBuffer()),
  };
}

function probeSql(upsert: boolean): string {
  const insert = `insert into storage.objects (name, owner, owner_id, bucket_id, metadata, version, user_metadata)
                  values ($1, $2, $3, $4, $5, $6, $7)`;
  if (!upsert) return insert;
  return `${insert} on conflict (name, bucket_id) do update
            set metadata = excluded.metadata, version = excluded.version, owner = excluded.owner,
                owner_id = excluded.owner_id, user_metadata = excluded.user_metadata
          returning *`;
}

/** The RLS probe of a write: the INSERT (or upsert) as the caller, rolled back. */
export async function probeWrite(
  ctx: Ctx,
  operation: string,
  target: { bucket: string; key: string; upsert: boolean; mimetype: string; contentLength: number; userMetadata: Record<string, unknown> },
): Promise<void> {
  const { owner, ownerId } = owners(ctx.who.sub);
  await inScope(
    ctx.deps.pool,
    ctx.scope(operation),
    (tx) =>
      tx.query(probeSql(target.upsert), [
        target.key,
        owner,
        ownerId,
        target.bucket,
        JSON.stringify({ mimetype: target.mimetype, contentLength: target.contentLength }),
        '1',
        JSON.stringify(target.userMetadata),
      ]),
    { probe: true },
  );
}

export interface SaveInput {
  bucket: string;
  key: string;
  blob: WrittenBlob;
  mimetype: string;
  cacheControl: string;
  userMetadata: Record<string, unknown>;
  upsert: boolean;
  /** The uploader; undefined (service role) keeps an existing object's owner. */
  sub: string | undefined;
  operation: string;
  /** Duplicate error for an existing key (move uses ResourceAlreadyExists). */
  duplicate?: () => StorageError;
}

/** Places the blob as a new version and writes the row as service, in one locked transaction. */
export async function saveObject(ctx: Ctx, input: SaveInput): Promise<ObjectRow> {
  const { blobs, pool } = ctx.deps;
  const version = randomUUID();
  await blobs.commit(input.blob, input.bucket, input.key, version);
  const metadata = {
    eTag: input.blob.eTag,
    size: input.blob.size,
    mimetype: input.mimetype,
    cacheControl: input.cacheControl,
    lastModified: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(),
    contentLength: input.blob.size,
    httpStatusCode: 200,
  };
  const { owner, ownerId } = owners(input.sub);
  let saved: { row: ObjectRow; previous: string | null | undefined };
  try {
    saved = await inScope(pool, ctx.serviceScope(input.operation), async (tx) => {
      await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`${input.bucket}/${input.key}`]);
      const existing = await tx.query<{ version: string | null }>('select version from storage.objects where bucket_id = $1 and name = $2 for update', [input.bucket, input.key]);
      if (existing.rowCount && !input.upsert) throw (input.duplicate ?? errors.keyExists)();
      const { rows } = await tx.query<ObjectRow>(
        `insert into storage.objects (bucket_id, name, owner, owner_id, metadata, user_metadata, version)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (name, bucket_id) do update
           set metadata = excluded.metadata, user_metadata = excluded.user_metadata, version = excluded.version,
               owner = case when $8 then excluded.owner else storage.objects.owner end,
               owner_id = case when $8 then excluded.owner_id else storage.objects.owner_id end
         returning ${OBJECT_COLUMNS}`,
        [input.bucket, input.key, owner, ownerId, JSON.stringify(metadata), JSON.stringify(input.userMetadata), version, input.sub !== undefined],
      );
      return { row: rows[0]!, previous: existing.rows[0]?.version };
    });
  } catch (error) {
    await blobs.remove(input.bucket, input.key, version);
    throw error;
  }
  if (saved.previous && saved.previous !== version) await blobs.remove(input.bucket, input.key, saved.previous);
  return saved.row;
}

export interface UploadOptions {
  upsert: boolean;
  operation: string;
  /** Signed upload: no probe, the row's owner comes from the token. */
  signed?: { owner: string | undefined };
}

/** Upload in storage-api's check order: bucket, size and MIME, key, RLS probe, blob, row. */
export async function upload(ctx: Ctx, bucketId: string, key: string, options: UploadOptions): Promise<ObjectRow> {
  const bucket = await bucketAsService(ctx, bucketId);
  const limit = uploadLimit(ctx, bucket, key);
  const body = await readUploadBody(ctx, limit);
  if (!key.endsWith(PLACEHOLDER)) assertMimeAllowed(body.mimetype, bucket.allowed_mime_types);
  assertKey(key);
  if (Buffer.byteLength(JSON.stringify(body.userMetadata)) > MAX_USER_METADATA_BYTES) throw errors.metadataTooLarge();
  if (!options.signed) {
    await probeWrite(ctx, options.operation, {
      bucket: bucket.id,
      key,
      upsert: options.upsert,
      mimetype: body.mimetype,
      contentLength: Number(ctx.header('content-length') || body.bytes?.length || 0),
      userMetadata: body.userMetadata,
    });
  }
  const blob = body.bytes ? await ctx.deps.blobs.writeBuffer(body.bytes) : await ctx.deps.blobs.writeStream(ctx.req, limit);
  if (!body.bytes && blob.size === 0 && !key.endsWith(PLACEHOLDER)) {
    await ctx.deps.blobs.discard(blob);
    throw errors.noContent();
  }
  try {
    return await saveObject(ctx, {
      bucket: bucket.id,
      key,
      blob,
      mimetype: body.mimetype,
      cacheControl: body.cacheControl,
      userMetadata: body.userMetadata,
      upsert: options.upsert,
      sub: options.signed ? options.signed.owner : ctx.who.sub,
      operation: options.operation,
    });
  } finally {
    await ctx.deps.blobs.discard(blob);
  }
}

// ------------------------------------------------------------------------------------------- reading

/** One object row as the caller (RLS) or as service; NoSuchKey when absent or invisible. */
export async function findObject(ctx: Ctx, bucket: string, key: string, operation: string, asService: boolean): Promise<ObjectRow> {
  const scope = asService ? ctx.serviceScope(operation) : ctx.scope(operation);
  const row = await inScope(ctx.deps.pool, scope, async (tx) => {
    const { rows } = await tx.query<ObjectRow>(`select ${OBJECT_COLUMNS} from storage.objects where name = $1 and bucket_id = $2 limit 1`, [key, bucket]);
    return rows[0];
  });
  if (!row) throw errors.noSuchKey();
  return row;
}

export type ReadMode = 'default' | 'authenticated' | 'public';

/** GET/HEAD of an object, and its info: the bucket as service, the row as service when public, else as the caller. */
export async function readObject(ctx: Ctx, mode: ReadMode, bucketId: string, key: string, operation: string): Promise<{ bucket: BucketRow; row: ObjectRow }> {
  const bucket = await bucketAsService(ctx, bucketId);
  if (mode === 'public' && !bucket.public) throw errors.noSuchBucket();
  if (mode !== 'public' && !ctx.who.authenticated && !bucket.public) throw errors.noSuchBucket();
  assertKey(key);
  const row = await findObject(ctx, bucket.id, key, operation, bucket.public);
  return { bucket, row };
}

export async function download(ctx: Ctx, mode: ReadMode, bucketId: string, key: string): Promise<void> {
  const operation = mode === 'public' ? 'storage.object.get_public' : 'storage.object.get_authenticated';
  const { bucket, row } = await readObject(ctx, mode, bucketId, key, operation);
  await serveObject(ctx, bucket.id, row, { head: ctx.method === 'HEAD' });
}

export function infoBody(row: ObjectRow): Record<string, unknown> {
  const meta = row.metadata ?? {};
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    bucket_id: row.bucket_id,
    size: meta.size ?? null,
    content_type: meta.mimetype ?? null,
    cache_control: meta.cacheControl ?? null,
    etag: meta.eTag ?? null,
    metadata: row.user_metadata ?? {},
    last_modified: row.updated_at,
    created_at: row.created_at,
  };
}

// ---------------------------------------------------------------------------------------------- list

const SORT_COLUMNS = new Set(['name', 'updated_at', 'created_at', 'last_accessed_at']);

export async function list(ctx: Ctx, bucketId: string): Promise<unknown[]> {
  const body = await ctx.json();
  const bucket = await bucketAsService(ctx, bucketId);
  if (typeof body.prefix !== 'string') throw errors.schema("body must have required property 'prefix'");
  const limit = body.limit === undefined ? 100 : body.limit;
  const offset = body.offset === undefined ? 0 : body.offset;
  if (!Number.isInteger(limit) || (limit as number) < 1) throw errors.schema('body/limit must be >= 1');
  if (!Number.isInteger(offset) || (offset as number) < 0) throw errors.schema('body/offset must be >= 0');
  const sortBy = (body.sortBy ?? {}) as Record<string, unknown>;
  const column = sortBy.column ?? 'name';
  const order = sortBy.order ?? 'asc';
  if (typeof column !== 'string' || !SORT_COLUMNS.has(column)) throw errors.schema('body/sortBy/column must be equal to one of the allowed values');
  if (order !== 'asc' && order !== 'desc') throw errors.schema('body/sortBy/order must be equal to one of the allowed values');
  const search = typeof body.search === 'string' ? body.search : '';
  const prefix = body.prefix;
  const levels = prefix.split('/').filter(Boolean).length + 1;
  return inScope(ctx.deps.pool, ctx.scope('storage.object.list'), async (tx) => {
    const { rows } = await tx.query<Record<string, unknown>>('select * from storage.search($1, $2, $3, $4, $5, $6, $7, $8)', [
      prefix,
      bucket.id,
      limit,
      levels,
      offset,
      search,
      column,
      order,
    ]);
    return rows;
  });
}

// ------------------------------------------------------------------------------------ remove, move, copy

/** storage-api sends null strings as "" in row responses. */
function rowBody(row: ObjectRow): Record<string, unknown> {
  return {
    name: row.name,
    bucket_id: row.bucket_id,
    owner: row.owner ?? '',
    owner_id: row.owner_id ?? '',
    version: row.version ?? '',
    id: row.id,
    updated_at: row.updated_at,
    created_at: row.created_at,
    last_accessed_at: row.last_accessed_at,
    metadata: row.metadata,
    user_metadata: row.user_metadata,
  };
}

export async function remove(ctx: Ctx, bucketId: string): Promise<unknown[]> {
  const body = await ctx.json();
  const prefixes = body.prefixes;
  if (!Array.isArray(prefixes)) throw errors.schema("body must have required property 'prefixes'");
  if (prefixes.length < 1) throw errors.schema('body/prefixes must NOT have fewer than 1 items');
  if (prefixes.length > 1000) throw errors.schema('body/prefixes must NOT have more than 1000 items');
  if (prefixes.some((p) => typeof p !== 'string')) throw errors.schema('body/prefixes/0 must be string');
  const bucket = await bucketAsService(ctx, bucketId);
  const deleted: ObjectRow[] = [];
  for (let i = 0; i < prefixes.length; i += 500) {
    const names = prefixes.slice(i, i + 500) as string[];
    const rows = await inScope(ctx.deps.pool, ctx.scope('storage.object.delete_many'), async (tx) => {
      const result = await tx.query<ObjectRow>(`delete from storage.objects where bucket_id = $1 and "name" = any($2) returning ${OBJECT_COLUMNS}`, [bucket.id, names]);
      return result.rows;
    });
    deleted.push(...rows);
  }
  for (const row of deleted) await ctx.deps.blobs.remove(row.bucket_id, row.name, row.version);
  return deleted.map(rowBody);
}

/** Legacy DELETE /object/{bucket}/{key}: 403 when nothing the caller may delete was there. */
export async function removeOne(ctx: Ctx, bucketId: string, key: string): Promise<Record<string, string>> {
  const bucket = await bucketAsService(ctx, bucketId);
  assertKey(key);
  await findObject(ctx, bucket.id, key, 'storage.object.delete', true);
  const rows = await inScope(ctx.deps.pool, ctx.scope('storage.object.delete'), async (tx) => {
    const result = await tx.query<ObjectRow>(`delete from storage.objects where bucket_id = $1 and name = $2 returning ${OBJECT_COLUMNS}`, [bucket.id, key]);
    return result.rows;
  });
  if (!rows.length) throw errors.accessDenied('Access denied');
  for (const row of rows) await ctx.deps.blobs.remove(row.bucket_id, row.name, row.version);
  return { message: 'Successfully deleted' };
}

interface Transfer {
  bucketId: string;
  sourceKey: string;
  destinationKey: string;
  destinationBucket: string;
}

async function transferBody(ctx: Ctx): Promise<{ body: Record<string, unknown>; transfer: Transfer }> {
  const body = await ctx.json();
  for (const field of ['bucketId', 'sourceKey', 'destinationKey']) {
    if (typeof body[field] !== 'string') throw errors.schema(`body must have required property '${field}'`);
  }
  const transfer: Transfer = {
    bucketId: body.bucketId as string,
    sourceKey: body.sourceKey as string,
    destinationKey: body.destinationKey as string,
    destinationBucket: typeof body.destinationBucket === 'string' && body.destinationBucket ? body.destinationBucket : (body.bucketId as string),
  };
  assertBucketName(transfer.bucketId);
  assertBucketName(transfer.destinationBucket);
  assertKey(transfer.sourceKey);
  assertKey(transfer.destinationKey);
  return { body, transfer };
}

/** Move: the UPDATE runs as the caller (USING on the old row, WITH CHECK on the renamed one). */
export async function move(ctx: Ctx): Promise<Record<string, string>> {
  const { transfer } = await transferBody(ctx);
  const source = await bucketAsService(ctx, transfer.bucketId);
  const target = transfer.destinationBucket === source.id ? source : await bucketAsService(ctx, transfer.destinationBucket);
  const row = await findObject(ctx, source.id, transfer.sourceKey, 'storage.object.move', false);
  const limit = uploadLimit(ctx, target, transfer.destinationKey);
  const size = Number(row.metadata?.size ?? 0);
  if (size > limit) throw errors.entityTooLarge();
  const blob = await ctx.deps.blobs.duplicate(source.id, row.name, row.version ?? '');
  if (!blob) throw errors.blobMissing();
  const version = randomUUID();
  const meta = { ...(row.metadata ?? {}), eTag: blob.eTag, size: blob.size, contentLength: blob.size, lastModified: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString() };
  await ctx.deps.blobs.commit(blob, target.id, transfer.destinationKey, version);
  const { owner, ownerId } = owners(ctx.who.sub);
  try {
    await inScope(ctx.deps.pool, ctx.scope('storage.object.move'), async (tx: pg.PoolClient) => {
      const result = await tx.query(
        `update storage.objects
            set bucket_id = $1, name = $2, version = $3, metadata = $4,
                owner = case when $7 then $5 else owner end, owner_id = case when $7 then $6 else owner_id end
          where bucket_id = $8 and name = $9
          returning id`,
        [target.id, transfer.destinationKey, version, JSON.stringify(meta), owner, ownerId, ctx.who.sub !== undefined, source.id, transfer.sourceKey],
      );
      if (!result.rowCount) throw errors.noSuchKey();
    });
  } catch (error) {
    await ctx.deps.blobs.remove(target.id, transfer.destinationKey, version);
    if (error instanceof StorageError && error.code === 'KeyAlreadyExists') throw errors.resourceExists();
    throw error;
  }
  await ctx.deps.blobs.remove(source.id, row.name, row.version);
  return { message: 'Successfully moved' };
}

/** Copy: SELECT on the source and an INSERT (or upsert) probe on the destination, both as the caller. */
export async function copy(ctx: Ctx): Promise<Record<string, unknown>> {
  const { body, transfer } = await transferBody(ctx);
  const upsert = ctx.header('x-upsert') === 'true';
  const source = await bucketAsService(ctx, transfer.bucketId);
  const target = transfer.destinationBucket === source.id ? source : await bucketAsService(ctx, transfer.destinationBucket);
  const row = await findObject(ctx, source.id, transfer.sourceKey, 'storage.object.copy', false);
  const sourceMeta = row.metadata ?? {};
  const overrides = (body.metadata ?? {}) as Record<string, unknown>;
  const copyMetadata = body.copyMetadata !== false;
  const mimetype = typeof overrides.mimetype === 'string' ? overrides.mimetype : metaText(sourceMeta.mimetype, 'application/octet-stream');
  const cacheControl = typeof overrides.cacheControl === 'string' ? overrides.cacheControl : metaText(sourceMeta.cacheControl, 'no-cache');
  const userMetadata = copyMetadata ? (row.user_metadata ?? {}) : decodeMetadataHeader(ctx.header('x-metadata'));
  const size = Number(sourceMeta.size ?? 0);
  if (size > uploadLimit(ctx, target, transfer.destinationKey)) throw errors.entityTooLarge();
  assertMimeAllowed(mimetype, target.allowed_mime_types);
  await probeWrite(ctx, 'storage.object.copy', { bucket: target.id, key: transfer.destinationKey, upsert, mimetype, contentLength: size, userMetadata });
  const blob = await ctx.deps.blobs.duplicate(source.id, row.name, row.version ?? '');
  if (!blob) throw errors.blobMissing();
  try {
    const saved = await saveObject(ctx, {
      bucket: target.id,
      key: transfer.destinationKey,
      blob,
      mimetype,
      cacheControl,
      userMetadata,
      upsert,
      sub: ctx.who.sub,
      operation: 'storage.object.copy',
    });
    return { Id: saved.id, Key: `${target.id}/${transfer.destinationKey}`, ...rowBody(saved) };
  } finally {
    await ctx.deps.blobs.discard(blob);
  }
}
