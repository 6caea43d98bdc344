/**
 * One folder of one Storage bucket, as the SDK's file namespaces (`kit.media`, `kit.accounts.files`)
 * use it: names are relative to the folder (the caller's user id, or the current account's id), every
 * call goes through storage-js so the bucket's RLS policies decide, and results are `{ data, error }`
 * with the SDK's error codes. The raw storage-js client stays at `kit.supabase.storage`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { SdkApiError, SdkError, SdkNetworkError, SdkValidationError, type Result, type SdkErrorCode } from './errors.ts';

/** A stored file, as a listing shows it. */
export interface StoredFile {
  /** Name relative to the folder listed (a sub-folder has `id: null`). */
  name: string;
  id: string | null;
  size: number | null;
  contentType: string | null;
  updatedAt: string | null;
  createdAt: string | null;
}

/** What `upload` returns: the name in the folder and the object's full path in its bucket. */
export interface UploadedFile {
  id: string;
  name: string;
  /** `<folder>/<name>`: the object's key in the bucket. */
  path: string;
}

export interface UploadOptions {
  /** MIME type; defaults to the Blob's type. */
  contentType?: string;
  /** Replace an existing file of that name (default false: `conflict`). */
  upsert?: boolean;
  /** Seconds browsers and CDNs may cache the file (default 3600). */
  cacheControl?: number;
}

export interface ListOptions {
  /** A sub-folder of the folder. */
  prefix?: string;
  limit?: number;
  offset?: number;
  /** Names starting with this (case-insensitive). */
  search?: string;
}

const CODE_BY_SEMANTIC_STATUS: Record<string, SdkErrorCode> = {
  '400': 'validation_failed',
  '403': 'forbidden',
  '404': 'not_found',
  '409': 'conflict',
  '413': 'payload_too_large',
  '415': 'unsupported_media_type',
  '416': 'validation_failed',
};

interface StorageErrorLike {
  message: string;
  name?: string | undefined;
  status?: number | undefined;
  statusCode?: string | undefined;
}

/** Maps a storage-js error (its semantic `statusCode` inside the body) onto the SDK's classes. */
export function errorFromStorage(error: StorageErrorLike): SdkError {
  const semantic = String(error.statusCode ?? error.status ?? '');
  if (!semantic || error.name === 'StorageUnknownError') return new SdkNetworkError(error.message);
  const status = Number(semantic) || Number(error.status) || 500;
  return new SdkApiError(error.message, CODE_BY_SEMANTIC_STATUS[semantic] ?? (status >= 500 ? 'internal_error' : 'validation_failed'), status);
}

/** A relative name: no leading `/`, no empty, `.` or `..` segment (the server refuses them too). */
export function checkName(name: string): SdkValidationError | null {
  if (typeof name !== 'string' || !name || name.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    return new SdkValidationError('A file name is a relative path without empty, "." or ".." segments', { name });
  }
  return null;
}

export class StorageFolder {
  constructor(
    private readonly supabase: SupabaseClient<Database>,
    readonly bucket: string,
    /** Resolves the folder (user id, account id) each call acts in. */
    private readonly folder: () => Promise<Result<string>>,
  ) {}

  private async pathOf(name: string): Promise<Result<string>> {
    const invalid = checkName(name);
    if (invalid) return { data: null, error: invalid };
    const folder = await this.folder();
    if (folder.error) return folder;
    return { data: `${folder.data}/${name}`, error: null };
  }

  async upload(name: string, file: Blob | ArrayBuffer | Uint8Array | string, options: UploadOptions = {}): Promise<Result<UploadedFile>> {
    const path = await this.pathOf(name);
    if (path.error) return path;
    const { data, error } = await this.supabase.storage.from(this.bucket).upload(path.data, file, {
      upsert: options.upsert ?? false,
      cacheControl: String(options.cacheControl ?? 3600),
      ...(options.contentType ? { contentType: options.contentType } : {}),
    });
    if (error) return { data: null, error: errorFromStorage(error) };
    return { data: { id: data.id, name, path: data.path }, error: null };
  }

  async list(options: ListOptions = {}): Promise<Result<StoredFile[]>> {
    if (options.prefix !== undefined && checkName(options.prefix)) return { data: null, error: checkName(options.prefix)! };
    const folder = await this.folder();
    if (folder.error) return folder;
    const prefix = options.prefix ? `${folder.data}/${options.prefix}` : folder.data;
    const { data, error } = await this.supabase.storage.from(this.bucket).list(prefix, {
      limit: options.limit ?? 100,
      offset: options.offset ?? 0,
      ...(options.search ? { search: options.search } : {}),
    });
    if (error) return { data: null, error: errorFromStorage(error) };
    return {
      data: data.map((entry) => ({
        name: entry.name,
        id: entry.id ?? null,
        size: entry.metadata?.size ?? null,
        contentType: entry.metadata?.mimetype ?? null,
        updatedAt: entry.updated_at ?? null,
        createdAt: entry.created_at ?? null,
      })),
      error: null,
    };
  }

  async download(name: string): Promise<Result<Blob>> {
    const path = await this.pathOf(name);
    if (path.error) return path;
    const { data, error } = await this.supabase.storage.from(this.bucket).download(path.data);
    if (error) return { data: null, error: errorFromStorage(error) };
    return { data, error: null };
  }

  async signedUrl(name: string, expiresIn: number | undefined, options: { download?: string | boolean } = {}): Promise<Result<string>> {
    if (expiresIn === undefined || !Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 7 * 24 * 3600) {
      return {
        data: null,
        error: new SdkValidationError('expires_in is a whole number of seconds between 1 and 604800', { fieldErrors: { expires_in: ['Use 1 to 604800 seconds'] }, formErrors: [] }),
      };
    }
    const path = await this.pathOf(name);
    if (path.error) return path;
    const { data, error } = await this.supabase.storage
      .from(this.bucket)
      .createSignedUrl(path.data, expiresIn, options.download !== undefined ? { download: options.download } : undefined);
    if (error) return { data: null, error: errorFromStorage(error) };
    return { data: data.signedUrl, error: null };
  }

  async remove(names: string[]): Promise<Result<string[]>> {
    const paths: string[] = [];
    for (const name of names) {
      const path = await this.pathOf(name);
      if (path.error) return path;
      paths.push(path.data);
    }
    if (!paths.length) return { data: [], error: null };
    const { data, error } = await this.supabase.storage.from(this.bucket).remove(paths);
    if (error) return { data: null, error: errorFromStorage(error) };
    const folderLength = paths[0]!.length - names[0]!.length;
    return { data: data.map((row) => row.name.slice(folderLength)), error: null };
  }
}
