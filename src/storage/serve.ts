/**
 * Writing an object to the response with storage-api's download headers: Content-Type (HTML served
 * as text/plain), ETag and Last-Modified with 304 on a match, byte ranges (206, 416 for a bad one),
 * `?download[=name]` as Content-Disposition, and `Expires` instead of Cache-Control on signed URLs.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Ctx } from './context.ts';
import { errors } from './errors.ts';

export interface ObjectRow {
  id: string;
  bucket_id: string;
  name: string;
  owner: string | null;
  owner_id: string | null;
  version: string | null;
  metadata: Record<string, unknown> | null;
  user_metadata: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  last_accessed_at: Date;
}

function contentDisposition(ctx: Ctx): Record<string, string> {
  if (!ctx.query.has('download')) return {};
  const name = ctx.query.get('download') ?? '';
  if (!name) return { 'Content-Disposition': 'attachment;' };
  const encoded = encodeURIComponent(name);
  return { 'Content-Disposition': `attachment; filename=${encoded}; filename*=UTF-8''${encoded}` };
}

function servedType(mimetype: string): string {
  return /^text\/html/i.test(mimetype) ? 'text/plain' : mimetype;
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` within `size`; anything else is 416. */
function parseRange(header: string, size: number): { start: number; end: number } {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header);
  if (!match || (!match[1] && !match[2])) throw errors.invalidRange();
  let start: number;
  let end: number;
  if (!match[1]) {
    const suffix = Number(match[2]);
    if (suffix === 0) throw errors.invalidRange();
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
  }
  if (start > end || start >= size) throw errors.invalidRange();
  return { start, end };
}

export interface ServeOptions {
  head?: boolean;
  /** Signed URL: the token's expiry as an `Expires` header instead of Cache-Control. */
  expires?: number;
}

/** A metadata field as header text: a string or number as it is, anything else (absent) the fallback. */
export function metaText(value: unknown, fallback: string): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
}

export async function serveObject(ctx: Ctx, bucket: string, row: ObjectRow, options: ServeOptions = {}): Promise<void> {
  const meta = row.metadata ?? {};
  const mimetype = metaText(meta.mimetype, 'application/octet-stream');
  const eTag = metaText(meta.eTag, '');
  const lastModified = new Date(metaText(meta.lastModified, row.updated_at.toISOString()));
  const headers: Record<string, string> = {
    'Content-Type': servedType(mimetype),
    ETag: eTag,
    'Last-Modified': lastModified.toUTCString(),
    'Accept-Ranges': 'bytes',
    'X-Robots-Tag': typeof meta.xRobotsTag === 'string' ? meta.xRobotsTag : 'none',
    ...contentDisposition(ctx),
  };
  const ifNoneMatch = ctx.header('if-none-match');
  if (options.expires !== undefined) headers.Expires = new Date(options.expires * 1000).toUTCString();
  else headers['Cache-Control'] = `${metaText(meta.cacheControl, 'no-cache')}${ifNoneMatch && ifNoneMatch !== eTag ? ', stale-while-revalidate=30' : ''}`;

  if (options.head) {
    ctx.res.writeHead(200, { ...headers, 'Content-Length': metaText(meta.size ?? meta.contentLength, '0') });
    ctx.res.end();
    return;
  }
  const blob = await ctx.deps.blobs.statOf(bucket, row.name, row.version);
  if (!blob) throw errors.blobMissing();

  const ifModifiedSince = ctx.header('if-modified-since');
  const notModified =
    (ifNoneMatch && ifNoneMatch === eTag) ||
    (!ifNoneMatch && ifModifiedSince && !Number.isNaN(Date.parse(ifModifiedSince)) && Date.parse(ifModifiedSince) >= lastModified.getTime());
  if (notModified) {
    ctx.res.writeHead(304, headers);
    ctx.res.end();
    return;
  }
  const rangeHeader = ctx.header('range');
  let status = 200;
  let start = 0;
  let end = blob.size - 1;
  if (rangeHeader) {
    ({ start, end } = parseRange(rangeHeader, blob.size));
    status = 206;
    headers['Content-Range'] = `bytes ${start}-${end}/${blob.size}`;
  }
  headers['Content-Length'] = String(blob.size === 0 ? 0 : end - start + 1);
  ctx.res.writeHead(status, headers);
  if (blob.size === 0) {
    ctx.res.end();
    return;
  }
  await pipeline(createReadStream(blob.file, { start, end }), ctx.res);
}
