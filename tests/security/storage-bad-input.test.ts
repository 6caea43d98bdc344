/**
 * Bad input to the Storage API, as an attacker sends it (raw HTTP where storage-js would not send
 * it): path traversal with `..`, absolute paths, encoded slashes and NUL, oversized bodies (declared
 * and chunked), a MIME type the bucket refuses behind an allowed extension, a missing bucket,
 * malformed multipart and JSON, forged or mis-scoped upload tokens. Each gets storage-api's 4xx,
 * nothing is written, and nothing appears outside the storage folder.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, fileName, objectRows, png, sql, stack, storageOf, tokenOf, type TestUser } from '../storage/support.ts';

let user: TestUser;
let victim: TestUser;
let token: string;

beforeAll(async () => {
  [user, victim] = await Promise.all([createUser('bad-storage'), createUser('bad-victim')]);
  token = await tokenOf(user);
});

/** One request with the path sent byte for byte (no URL normalisation of `..`). */
function rawRequest(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer | string; chunks?: Buffer[] } = {},
): Promise<{ status: number; body: any }> {
  const url = new URL(stack.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: `/storage/v1${path}`,
        headers: { apikey: stack.publishableKey, authorization: `Bearer ${token}`, ...(options.headers ?? {}) },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString();
          let body: any = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    if (options.chunks) {
      for (const chunk of options.chunks) req.write(chunk);
      req.end();
    } else {
      req.end(options.body ?? '');
    }
  });
}

/** Objects the attacker owns, and any object whose name is not a plain relative path. */
async function rowCount(): Promise<number> {
  const [row] = await sql<{ n: string }>(`select count(*) as n from storage.objects where owner_id = $1 or name ~ '(^/|//|(^|/)\\.{1,2}(/|$))'`, [user.id]);
  return Number(row!.n);
}

describe('path traversal and hostile keys', () => {
  const canary = `pwned-${randomUUID()}`;
  const hostile = () => [
    [`/object/media/${user.id}/../${victim.id}/x.txt`, 'dot-dot segment'],
    [`/object/media/${user.id}/%2E%2E/${victim.id}/x.txt`, 'encoded dot-dot'],
    [`/object/media/${user.id}%2F..%2F${victim.id}%2Fx.txt`, 'encoded slashes around dot-dot'],
    [`/object/media/${user.id}/./x.txt`, 'dot segment'],
    [`/object/media//etc/${canary}`, 'absolute path'],
    [`/object/media/${user.id}/..%2F..%2F..%2F..%2F..%2Ftmp%2F${canary}`, 'escape to /tmp'],
    [`/object/media/${user.id}/nul%00.txt`, 'NUL byte'],
    [`/object/media/${user.id}/%E0%A4%A.txt`, 'malformed escape'],
    [`/object/media/${user.id}/caf%C3%A9.txt`, 'non-ASCII'],
  ];

  it('uploads with a hostile key answer 400 InvalidKey and write nothing', async () => {
    const before = await rowCount();
    for (const [path, what] of hostile()) {
      const response = await rawRequest('POST', path!, { headers: { 'content-type': 'text/plain' }, body: 'evil' });
      expect(response.status, what).toBe(400);
      expect(response.body, what).toMatchObject({ statusCode: '400', error: 'InvalidKey', code: 'InvalidKey' });
    }
    expect(await rowCount()).toBe(before);
    expect(await objectRows('media', `${victim.id}/`)).toEqual([]);
    expect(existsSync(`/tmp/${canary}`)).toBe(false);
    expect(existsSync(`/etc/${canary}`)).toBe(false);
  });

  it('reads, signing and moves with a hostile key answer 400 too, never 5xx', async () => {
    for (const [path, what] of hostile()) {
      const read = await rawRequest('GET', path!);
      expect(read.status, what).toBe(400);
      const signed = await rawRequest('POST', path!.replace('/object/', '/object/sign/'), { headers: { 'content-type': 'application/json' }, body: '{"expiresIn":60}' });
      expect(signed.status, what).toBe(400);
    }
    const move = await storageOf(user).from('media').move(`${user.id}/a.txt`, `${user.id}/../${victim.id}/a.txt`);
    expect(move.error).toMatchObject({ statusCode: '400', message: `Invalid key: ${user.id}/../${victim.id}/a.txt` });
  });

  it('a bucket name with an encoded slash is not a bucket name', async () => {
    const response = await rawRequest('POST', `/object/me%2Fdia/${user.id}/x.txt`, { body: 'x' });
    expect(response).toMatchObject({ status: 400, body: { statusCode: '400', error: 'Invalid Input', message: 'Bucket name invalid' } });
  });
});

describe('sizes, types, buckets and bodies', () => {
  it('a declared body over the bucket limit is refused before it is read', async () => {
    const path = `${user.id}/${fileName('png')}`;
    const response = await rawRequest('POST', `/object/avatars/${path}`, {
      headers: { 'content-type': 'image/png', 'content-length': String(3 * 1024 * 1024) },
      body: Buffer.alloc(3 * 1024 * 1024),
    });
    expect(response).toMatchObject({ status: 400, body: { statusCode: '413', code: 'EntityTooLarge' } });
    expect(await objectRows('avatars', path)).toEqual([]);
  });

  it('a chunked body that grows past the limit is refused and leaves nothing behind', async () => {
    const path = `${user.id}/${fileName('png')}`;
    const chunks = Array.from({ length: 3 }, () => Buffer.alloc(1024 * 1024, 1));
    const response = await rawRequest('POST', `/object/avatars/${path}`, { headers: { 'content-type': 'image/png', 'transfer-encoding': 'chunked' }, chunks });
    expect(response.body).toMatchObject({ statusCode: '413', code: 'EntityTooLarge' });
    expect(await objectRows('avatars', path)).toEqual([]);
  });

  it('an HTML file named .png is refused by the avatars bucket', async () => {
    const path = `${user.id}/${fileName('png')}`;
    const result = await storageOf(user)
      .from('avatars')
      .upload(path, new Blob(['<script>alert(1)</script>'], { type: 'text/html' }));
    expect(result.error).toMatchObject({ statusCode: '415', message: 'mime type text/html is not supported' });
    expect(await objectRows('avatars', path)).toEqual([]);
  });

  it('a JPEG type on a .png name is refused by the avatars policy', async () => {
    const path = `${user.id}/${fileName('png')}`;
    const result = await storageOf(user)
      .from('avatars')
      .upload(path, new Blob([png()], { type: 'image/jpeg' }));
    expect(result.error).toMatchObject({ statusCode: '403' });
    expect(await objectRows('avatars', path)).toEqual([]);
  });

  it('an upload to a missing bucket answers Bucket not found', async () => {
    const result = await storageOf(user)
      .from(`missing-${randomUUID().slice(0, 6)}`)
      .upload(`${user.id}/x.txt`, new Blob(['x']));
    expect(result.error).toMatchObject({ statusCode: '404', message: 'Bucket not found' });
  });

  it('malformed multipart and malformed JSON answer 400 and write nothing', async () => {
    const path = `${user.id}/${fileName()}`;
    const multipart = await rawRequest('POST', `/object/media/${path}`, {
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: '--XYZ\r\nContent-Disposition: form-data; name=""; filename="a.txt"\r\n\r\nno closing boundary',
    });
    expect(multipart).toMatchObject({ status: 400, body: { statusCode: '400', code: 'InvalidRequest' } });
    const noFile = await rawRequest('POST', `/object/media/${path}`, {
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: '--XYZ\r\nContent-Disposition: form-data; name="cacheControl"\r\n\r\n60\r\n--XYZ--\r\n',
    });
    expect(noFile.body).toMatchObject({ statusCode: '400', message: 'No content provided' });
    expect(await objectRows('media', path)).toEqual([]);
    const json = await rawRequest('POST', '/object/list/media', { headers: { 'content-type': 'application/json' }, body: '{"prefix":' });
    expect(json).toMatchObject({ status: 400, body: { statusCode: '400', code: 'InvalidRequest' } });
    const missingPrefix = await rawRequest('POST', '/object/list/media', { headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(missingPrefix.body).toMatchObject({ message: "body must have required property 'prefix'" });
    const badMetadata = await rawRequest('POST', `/object/media/${path}`, { headers: { 'content-type': 'text/plain', 'x-metadata': 'not-base64-json' }, body: 'x' });
    expect(badMetadata.status).toBe(400);
    expect(await objectRows('media', path)).toEqual([]);
  });
});

describe('forged and mis-scoped upload tokens', () => {
  it('refuses a token signed with another key, a download token, and an expired token; nothing is written', async () => {
    const path = `${victim.id}/${fileName()}`;
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>, key: string, exp = now + 60) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now).setExpirationTime(exp).sign(new TextEncoder().encode(key));
    const cases: [string, string, Record<string, unknown>][] = [
      [
        await sign({ url: `media/${path}`, upsert: true, scope: 'upload', owner: user.id }, 'not-the-project-secret-not-the-project-secret'),
        'InvalidJWT',
        { message: 'signature verification failed' },
      ],
      [await sign({ url: `media/${path}`, scope: 'download' }, stack.jwtSecret), 'InvalidSignature', { message: 'Token is not scoped for upload' }],
      [await sign({ url: `media/${path}`, upsert: false, scope: 'upload' }, stack.jwtSecret, now - 1), 'InvalidJWT', { message: '"exp" claim timestamp check failed' }],
    ];
    for (const [forged, error, extra] of cases) {
      const response = await rawRequest('PUT', `/object/upload/sign/media/${path}?token=${forged}`, {
        headers: { 'content-type': 'text/plain', authorization: '' },
        body: 'planted',
      });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: '400', error, ...extra });
    }
    expect(await objectRows('media', path)).toEqual([]);
  });
});

describe('chunked multipart', () => {
  it('a chunked multipart body far over the limit is refused as too large and writes nothing', async () => {
    const path = `${user.id}/${fileName('png')}`;
    const head = Buffer.from('--XYZ\r\nContent-Disposition: form-data; name=""; filename="a.png"\r\nContent-Type: image/png\r\n\r\n');
    const chunks = [head, ...Array.from({ length: 4 }, () => Buffer.alloc(1024 * 1024, 7)), Buffer.from('\r\n--XYZ--\r\n')];
    const response = await rawRequest('POST', `/object/avatars/${path}`, {
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ', 'transfer-encoding': 'chunked' },
      chunks,
    });
    expect(response.body).toMatchObject({ statusCode: '413', code: 'EntityTooLarge' });
    expect(await objectRows('avatars', path)).toEqual([]);
  });
});
