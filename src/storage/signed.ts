/**
 * Signed URLs: creating one or many download URLs (after a SELECT as the caller), serving them
 * (token checked, object read as service), creating signed upload URLs (after the INSERT probe) and
 * uploading with them (as service, owner and upsert from the token).
 */
import type { Ctx } from './context.ts';
import { inScope } from './db.ts';
import { errors } from './errors.ts';
import { bucketAsService, findObject, probeWrite, upload } from './objects.ts';
import { serveObject } from './serve.ts';
import { assertKey } from './validation.ts';

function expiresInFrom(body: Record<string, unknown>): number {
  const value = body.expiresIn;
  if (value === undefined) throw errors.schema("body must have required property 'expiresIn'");
  if (!Number.isInteger(value) || (value as number) < 1) throw errors.schema('body/expiresIn must be >= 1');
  return value as number;
}

export async function signOne(ctx: Ctx, bucketId: string, key: string): Promise<Record<string, string>> {
  const body = await ctx.json();
  const expiresIn = expiresInFrom(body);
  const bucket = await bucketAsService(ctx, bucketId);
  assertKey(key);
  await findObject(ctx, bucket.id, key, 'storage.object.sign', false);
  const token = await ctx.deps.tokens.signDownload(`${bucket.id}/${key}`, expiresIn);
  return { signedURL: `/object/sign/${bucket.id}/${key}?token=${token}` };
}

export async function signMany(ctx: Ctx, bucketId: string): Promise<unknown[]> {
  const body = await ctx.json();
  const expiresIn = expiresInFrom(body);
  const paths = body.paths;
  if (!Array.isArray(paths)) throw errors.schema("body must have required property 'paths'");
  if (paths.length < 1 || paths.length > 1000) throw errors.schema('body/paths must have between 1 and 1000 items');
  if (paths.some((p) => typeof p !== 'string')) throw errors.schema('body/paths/0 must be string');
  const bucket = await bucketAsService(ctx, bucketId);
  const visible = await inScope(ctx.deps.pool, ctx.scope('storage.object.sign_many'), async (tx) => {
    const { rows } = await tx.query<{ name: string }>('select name from storage.objects where bucket_id = $1 and name = any($2::text[])', [bucket.id, paths]);
    return new Set(rows.map((r) => r.name));
  });
  return Promise.all(
    (paths as string[]).map(async (path) => {
      if (!visible.has(path)) return { error: 'Either the object does not exist or you do not have access to it', path, signedURL: null };
      const token = await ctx.deps.tokens.signDownload(`${bucket.id}/${path}`, expiresIn);
      return { error: null, path, signedURL: `/object/sign/${bucket.id}/${path}?token=${token}` };
    }),
  );
}

async function verifiedToken(ctx: Ctx, bucketId: string, key: string, scope: 'download' | 'upload'): Promise<Record<string, unknown>> {
  const token = ctx.query.get('token');
  if (!token) throw errors.schema("querystring must have required property 'token'");
  let claims: Record<string, unknown>;
  try {
    claims = await ctx.deps.tokens.verify(token);
  } catch (error) {
    throw errors.invalidJwt((error as Error).message || 'Invalid JWT');
  }
  const scoped =
    scope === 'download'
      ? claims.scope === 'download' || (claims.scope === undefined && claims.upsert === undefined)
      : claims.scope === 'upload' || (claims.scope === undefined && claims.upsert !== undefined);
  if (!scoped) throw errors.invalidSignature(`Token is not scoped for ${scope}`);
  if (claims.url !== `${bucketId}/${key}`) throw errors.invalidSignature();
  return claims;
}

export async function serveSigned(ctx: Ctx, bucketId: string, key: string): Promise<void> {
  const claims = await verifiedToken(ctx, bucketId, key, 'download');
  const bucket = await bucketAsService(ctx, bucketId);
  const row = await findObject(ctx, bucket.id, key, 'storage.object.get_signed', true);
  await serveObject(ctx, bucket.id, row, { head: ctx.method === 'HEAD', expires: Number(claims.exp) });
}

export async function signUpload(ctx: Ctx, bucketId: string, key: string): Promise<Record<string, string>> {
  await ctx.json();
  const upsert = ctx.header('x-upsert') === 'true';
  const bucket = await bucketAsService(ctx, bucketId);
  assertKey(key);
  await probeWrite(ctx, 'storage.object.sign_upload_url', { bucket: bucket.id, key, upsert, mimetype: '', contentLength: 0, userMetadata: {} });
  const url = `${bucket.id}/${key}`;
  const token = await ctx.deps.tokens.signUpload(url, ctx.who.sub, upsert, ctx.deps.config.signedUploadExpirySeconds);
  return { url: `/object/upload/sign/${url}?token=${token}`, token };
}

export async function uploadSigned(ctx: Ctx, bucketId: string, key: string): Promise<Record<string, string>> {
  const claims = await verifiedToken(ctx, bucketId, key, 'upload');
  const owner = typeof claims.owner === 'string' ? claims.owner : undefined;
  const row = await upload(ctx, bucketId, key, { upsert: claims.upsert === true, operation: 'storage.object.upload_signed', signed: { owner } });
  return { Key: `${row.bucket_id}/${row.name}` };
}
