/**
 * The Storage server: storage-api's routes (paths as storage-api sees them, the gateway having
 * stripped `/storage/v1`), one error path producing storage-api's envelope, CORS, and the service
 * wiring (pool, blob folder, token keys) with a clean shutdown.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BlobStore } from './blobs.ts';
import { createBucket, deleteBucket, emptyBucket, getBucket, listBuckets, seedConfiguredBuckets, updateBucket } from './buckets.ts';
import type { StorageConfig } from './config.ts';
import { Ctx, type Deps } from './context.ts';
import { createPool } from './db.ts';
import { errors, StorageError } from './errors.ts';
import { copy, download, infoBody, list, move, readObject, remove, removeOne, upload } from './objects.ts';
import { metaText } from './serve.ts';
import { serveSigned, signMany, signOne, signUpload, uploadSigned } from './signed.ts';
import { startSweeper } from './sweeper.ts';
import { Tokens } from './tokens.ts';

/** First path segments that are routes, never bucket names (storage-api's route precedence). */
const STATIC_SEGMENTS = new Set(['public', 'authenticated', 'sign', 'upload', 'info', 'list', 'list-v2', 'move', 'copy']);

type Handler = (ctx: Ctx) => Promise<unknown>;

/** `{bucket}/{key…}`: the first segment and the decoded rest; a malformed escape is an invalid key. */
function bucketAndKey(segments: string[]): { bucket: string; key: string } | undefined {
  const [bucket, ...rest] = segments;
  if (bucket === undefined) return undefined;
  const raw = rest.join('/');
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw errors.invalidKey(s);
    }
  };
  return { bucket: decode(bucket), key: decode(raw) };
}

const json = (work: (ctx: Ctx) => Promise<unknown>): Handler => work;
const stream =
  (work: (ctx: Ctx) => Promise<void>): Handler =>
  async (ctx) => {
    await work(ctx);
    return STREAMED;
  };
const STREAMED = Symbol('streamed');

/** Resolves a method and path to a handler that authenticates and runs the operation. */
function route(method: string, path: string): Handler | undefined {
  const segments = path.split('/').slice(1);
  const [area, first, ...rest] = segments;
  const read = method === 'GET' || method === 'HEAD';

  if (area === 'health' && segments.length === 1 && read) return json(() => Promise.resolve({ status: 'ok' }));

  if (area === 'bucket') {
    if (first === undefined || first === '') {
      if (method === 'GET') return json(async (ctx) => (await ctx.authenticate(), listBuckets(ctx)));
      if (method === 'POST') return json(async (ctx) => (await ctx.authenticate(), createBucket(ctx)));
      return undefined;
    }
    const id = bucketAndKey([first])!.bucket;
    if (rest.length === 0) {
      if (method === 'GET') return json(async (ctx) => (await ctx.authenticate(), getBucket(ctx, id)));
      if (method === 'PUT') return json(async (ctx) => (await ctx.authenticate(), updateBucket(ctx, id)));
      if (method === 'DELETE') return json(async (ctx) => (await ctx.authenticate(), deleteBucket(ctx, id)));
    }
    if (rest.length === 1 && rest[0] === 'empty' && method === 'POST') return json(async (ctx) => (await ctx.authenticate(true), emptyBucket(ctx, id)));
    return undefined;
  }
  if (area !== 'object' || first === undefined || first === '') return undefined;

  if (!STATIC_SEGMENTS.has(first)) {
    // /object/{bucket} and /object/{bucket}/{key…}
    const target = bucketAndKey([first, ...rest]);
    if (!target) return undefined;
    const { bucket, key } = target;
    if (rest.length === 0) {
      if (method === 'DELETE') return json(async (ctx) => (await ctx.authenticate(), remove(ctx, bucket)));
      return undefined;
    }
    if (method === 'POST' || method === 'PUT') {
      return json(async (ctx) => {
        await ctx.authenticate();
        const upsert = method === 'PUT' || ctx.header('x-upsert') === 'true';
        const row = await upload(ctx, bucket, key, { upsert, operation: method === 'PUT' ? 'storage.object.upload_update' : 'storage.object.upload' });
        return { Id: row.id, Key: `${row.bucket_id}/${row.name}` };
      });
    }
    if (read) return stream(async (ctx) => (await ctx.authenticate(true), download(ctx, 'default', bucket, key)));
    if (method === 'DELETE') return json(async (ctx) => (await ctx.authenticate(), removeOne(ctx, bucket, key)));
    return undefined;
  }

  const target = bucketAndKey(rest);
  switch (first) {
    case 'public':
      if (read && target?.key) return stream(async (ctx) => (await ctx.authenticate(true), download(ctx, 'public', target.bucket, target.key)));
      return undefined;
    case 'authenticated':
      if (read && target?.key) return stream(async (ctx) => (await ctx.authenticate(), download(ctx, 'authenticated', target.bucket, target.key)));
      return undefined;
    case 'info': {
      if (method !== 'GET' || !target) return undefined;
      const mode = target.bucket === 'public' || target.bucket === 'authenticated' ? target.bucket : 'default';
      const inner = mode === 'default' ? target : bucketAndKey(rest.slice(1));
      if (!inner?.key) return undefined;
      return json(async (ctx) => {
        await ctx.authenticate(mode !== 'authenticated');
        const operation = mode === 'public' ? 'storage.object.info_public' : 'object.get_authenticated_info';
        const { row } = await readObject(ctx, mode, inner.bucket, inner.key, operation);
        const meta = row.metadata ?? {};
        ctx.res.setHeader('ETag', metaText(meta.eTag, ''));
        ctx.res.setHeader('Last-Modified', new Date(metaText(meta.lastModified, row.updated_at.toISOString())).toUTCString());
        ctx.res.setHeader('Cache-Control', metaText(meta.cacheControl, 'no-cache'));
        return infoBody(row);
      });
    }
    case 'list':
      if (method === 'POST' && rest.length === 1 && target) return json(async (ctx) => (await ctx.authenticate(), list(ctx, target.bucket)));
      return undefined;
    case 'move':
      if (method === 'POST' && rest.length === 0) return json(async (ctx) => (await ctx.authenticate(), move(ctx)));
      return undefined;
    case 'copy':
      if (method === 'POST' && rest.length === 0) return json(async (ctx) => (await ctx.authenticate(), copy(ctx)));
      return undefined;
    case 'sign':
      if (!target) return undefined;
      if (method === 'POST' && !target.key) return json(async (ctx) => (await ctx.authenticate(), signMany(ctx, target.bucket)));
      if (method === 'POST') return json(async (ctx) => (await ctx.authenticate(), signOne(ctx, target.bucket, target.key)));
      if (read && target.key) return stream((ctx) => serveSigned(ctx, target.bucket, target.key));
      return undefined;
    case 'upload': {
      if (rest[0] !== 'sign') return undefined;
      const signedTarget = bucketAndKey(rest.slice(1));
      if (!signedTarget?.key) return undefined;
      if (method === 'POST') return json(async (ctx) => (await ctx.authenticate(), signUpload(ctx, signedTarget.bucket, signedTarget.key)));
      if (method === 'PUT') return json((ctx) => uploadSigned(ctx, signedTarget.bucket, signedTarget.key));
      return undefined;
    }
    default:
      return undefined;
  }
}

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'authorization, apikey, x-client-info, content-type, cache-control, x-upsert, x-metadata, range, if-none-match, if-modified-since',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Range, Content-Disposition, ETag, Last-Modified, Cache-Control, Expires',
};

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function listener(deps: Deps): http.RequestListener {
  return (req, res) => {
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    const ctx = new Ctx(deps, req, res);
    if (ctx.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Max-Age': '3600' });
      res.end();
      return;
    }
    let handler: Handler | undefined;
    try {
      handler = route(ctx.method, ctx.path);
    } catch (error) {
      handler = () => Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const run: Handler = handler ?? (() => Promise.reject(errors.routeNotFound(ctx.method, ctx.path)));
    run(ctx)
      .then((result) => {
        if (result !== STREAMED) sendJson(res, 200, result);
      })
      .catch((error: unknown) => {
        const failure = error instanceof StorageError ? error : errors.internal();
        if (!(error instanceof StorageError) || failure.httpStatus >= 500) logFailure(deps, ctx, error);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        // A body left half-read (refused mid-stream) leaves the connection unusable: close it after this answer.
        if (!req.complete) res.setHeader('Connection', 'close');
        if (ctx.method === 'HEAD') {
          res.writeHead(failure.httpStatus, failure.headers);
          res.end();
        } else {
          sendJson(res, failure.httpStatus, failure.body(), failure.headers);
        }
      })
      .finally(() => {
        // An early error leaves the body unread; drain it so the connection stays usable.
        if (!req.readableEnded) req.resume();
      });
  };
}

function logFailure(deps: Deps, ctx: Ctx, error: unknown): void {
  if (!deps.config.logErrors) return;
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`[storage] ${ctx.method} ${ctx.path} failed: ${message}\n`);
}

export interface StorageServer {
  server: http.Server;
  deps: Deps;
  port: number;
  close(): Promise<void>;
}

export async function startStorageServer(config: StorageConfig): Promise<StorageServer> {
  const deps: Deps = { config, pool: createPool(config), blobs: new BlobStore(config.root), tokens: new Tokens(config) };
  await deps.blobs.init();
  try {
    await deps.pool.query('select 1 from storage.objects limit 1');
    await seedConfiguredBuckets(deps, config.buckets);
  } catch (error) {
    await deps.pool.end();
    throw new Error(`cannot prepare storage as ${config.db.user}@${config.db.host}:${config.db.port}: ${(error as Error).message}`, { cause: error });
  }
  const stopSweeper = startSweeper(deps, (line) => process.stdout.write(`${line}\n`));
  const server = http.createServer({ keepAliveTimeout: 65_000 }, listener(deps));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    deps,
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await stopSweeper();
      await deps.pool.end();
    },
  };
}
