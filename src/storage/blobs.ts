/**
 * Object bytes on disk, under the stack's data folder. A blob's file name is derived from a hash of
 * `<bucket>\0<key>` plus the object's version (a server-made UUID), so no key — `..`, absolute,
 * encoded slashes, anything — can name a path outside the root; every path is also checked to
 * resolve inside it. Writes go to a temporary file first and are renamed into place.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errors } from './errors.ts';

export interface WrittenBlob {
  /** Temporary file holding the bytes until `commit`. */
  temp: string;
  size: number;
  /** Quoted md5 hex, the file backend's ETag. */
  eTag: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class BlobStore {
  constructor(readonly root: string) {}

  async init(): Promise<void> {
    await mkdir(path.join(this.root, 'tmp'), { recursive: true });
    await mkdir(path.join(this.root, 'objects'), { recursive: true });
  }

  /** Where one version of an object lives. */
  pathOf(bucket: string, key: string, version: string): string {
    if (!UUID.test(version)) throw new Error(`invalid blob version ${JSON.stringify(version)}`);
    const digest = createHash('sha256').update(bucket).update('\0').update(key).digest('hex');
    return this.inside(path.join(this.root, 'objects', digest.slice(0, 2), digest, version));
  }

  private inside(file: string): string {
    const resolved = path.resolve(file);
    if (!resolved.startsWith(path.resolve(this.root) + path.sep)) throw new Error('blob path outside the storage folder');
    return resolved;
  }

  private tempPath(): string {
    return this.inside(path.join(this.root, 'tmp', randomUUID()));
  }

  /** Streams `source` to a temporary file; over `limit` bytes it stops writing, deletes it and throws EntityTooLarge. */
  async writeStream(source: NodeJS.ReadableStream, limit: number): Promise<WrittenBlob> {
    const temp = this.tempPath();
    const md5 = createHash('md5');
    let size = 0;
    // Past the limit the rest of the body is read and dropped, not cut off: destroying the request
    // would also destroy the connection the error answer has to go back on.
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > limit) {
          done();
          return;
        }
        md5.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(temp));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    if (size > limit) {
      await rm(temp, { force: true });
      throw errors.entityTooLarge();
    }
    return { temp, size, eTag: `"${md5.digest('hex')}"` };
  }

  async writeBuffer(bytes: Buffer): Promise<WrittenBlob> {
    const temp = this.tempPath();
    await writeFile(temp, bytes);
    return { temp, size: bytes.length, eTag: `"${createHash('md5').update(bytes).digest('hex')}"` };
  }

  /** Copies a stored blob to a temporary file (copy and move of objects). */
  async duplicate(bucket: string, key: string, version: string): Promise<WrittenBlob | undefined> {
    const source = this.pathOf(bucket, key, version);
    const temp = this.tempPath();
    try {
      await copyFile(source, temp);
    } catch {
      return undefined;
    }
    const md5 = createHash('md5');
    await pipeline(createReadStream(temp), md5);
    return { temp, size: (await stat(temp)).size, eTag: `"${md5.digest('hex')}"` };
  }

  /** Moves a written blob into place as `version` of the object. */
  async commit(blob: WrittenBlob, bucket: string, key: string, version: string): Promise<void> {
    const target = this.pathOf(bucket, key, version);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(blob.temp, target);
  }

  async discard(blob: WrittenBlob | undefined): Promise<void> {
    if (blob) await rm(blob.temp, { force: true });
  }

  /** Deletes one version (missing is fine), and the object's folder when it is left empty. */
  async remove(bucket: string, key: string, version: string | null | undefined): Promise<void> {
    if (!version || !UUID.test(version)) return;
    const file = this.pathOf(bucket, key, version);
    await rm(file, { force: true });
    await rmdir(path.dirname(file)).catch(() => undefined);
  }

  async statOf(bucket: string, key: string, version: string | null): Promise<{ file: string; size: number; mtime: Date } | undefined> {
    if (!version || !UUID.test(version)) return undefined;
    const file = this.pathOf(bucket, key, version);
    try {
      const s = await stat(file);
      return { file, size: s.size, mtime: s.mtime };
    } catch {
      return undefined;
    }
  }
}
