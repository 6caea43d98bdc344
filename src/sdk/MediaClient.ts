/**
 * `kit.media`: the signed-in user's private files in the `media` bucket (≤ 20 MB each). Only you
 * (and platform admins, read-only) can read them; share one with an expiring signed URL. Names are
 * relative to your folder (`media/<your id>/…`), which the bucket's policies enforce.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import type { Result } from './errors.ts';
import { currentUserId } from './session.ts';
import { StorageFolder, type ListOptions, type StoredFile, type UploadedFile, type UploadOptions } from './StorageFolder.ts';
import { type StorageErrorCode } from './errors.ts';

export type { ListOptions, StoredFile, UploadedFile, UploadOptions };

export class MediaClient {
  private readonly folder: StorageFolder;

  constructor(supabase: SupabaseClient<Database>) {
    this.folder = new StorageFolder(supabase, 'media', async () => {
      const me = await currentUserId(supabase);
      return me.error ? { data: null, error: me.error } : { data: me.id, error: null };
    });
  }

  /**
   * Uploads a file into your folder (`conflict` if the name exists, unless `upsert`).
   *
   * @example
   * const { data, error } = await kit.media.upload('id/passport.pdf', file, { contentType: 'application/pdf' });
   * if (error?.code === 'payload_too_large') console.log('20 MB at most');
   */
  upload(name: string, file: Blob | ArrayBuffer | Uint8Array | string, options?: UploadOptions): Promise<Result<UploadedFile, StorageErrorCode>>;
  upload(name: string, file: Blob | ArrayBuffer | Uint8Array | string, options?: UploadOptions): Promise<Result<UploadedFile>> {
    return this.folder.upload(name, file, options);
  }

  /**
   * Your files and sub-folders, one level below `prefix`.
   *
   * @example
   * const { data, error } = await kit.media.list({ prefix: 'id' });
   */
  list(options?: ListOptions): Promise<Result<StoredFile[], StorageErrorCode>>;
  list(options?: ListOptions): Promise<Result<StoredFile[]>> {
    return this.folder.list(options);
  }

  /**
   * One of your files' bytes.
   *
   * @example
   * const { data, error } = await kit.media.download('id/passport.pdf');
   */
  download(name: string): Promise<Result<Blob, StorageErrorCode>>;
  download(name: string): Promise<Result<Blob>> {
    return this.folder.download(name);
  }

  /**
   * A URL anyone can open for `expires_in` seconds (≤ 7 days); `download` makes browsers save it.
   *
   * @example
   * const { data: url, error } = await kit.media.signedUrl('id/passport.pdf', { expires_in: 600 });
   */
  signedUrl(name: string, input: { expires_in: number; download?: string | boolean } | undefined): Promise<Result<string, StorageErrorCode>>;
  signedUrl(name: string, input: { expires_in: number; download?: string | boolean } | undefined): Promise<Result<string>> {
    return this.folder.signedUrl(name, input?.expires_in, input?.download === undefined ? {} : { download: input.download });
  }

  /**
   * Removes files; returns the names actually removed (missing ones are skipped).
   *
   * @example
   * const { data, error } = await kit.media.remove(['id/passport.pdf']);
   */
  remove(names: string[]): Promise<Result<string[], StorageErrorCode>>;
  remove(names: string[]): Promise<Result<string[]>> {
    return this.folder.remove(names);
  }
}
