/**
 * `kit.accounts.files`: the current business account's private files (contracts, invoices) in the
 * `account-files` bucket, under `account-files/<account id>/…`. Members holding `view_payments` read
 * them (owners and admins hold every permission); only owners and admins upload, replace and remove.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { AccountContext } from './AccountContext.ts';
import type { Database } from './database.types.ts';
import type { Result } from './errors.ts';
import { StorageFolder, type ListOptions, type StoredFile, type UploadedFile, type UploadOptions } from './StorageFolder.ts';
import { type AccountChoiceErrorCode, type StorageErrorCode } from './errors.ts';

export class AccountFilesClient {
  constructor(
    private readonly supabase: SupabaseClient<Database>,
    private readonly context: AccountContext,
  ) {}

  #folder(accountId?: string): StorageFolder {
    return new StorageFolder(this.supabase, 'account-files', () => this.context.resolve(accountId));
  }

  /**
   * Uploads a file for the current account (owners and admins; `forbidden` otherwise).
   *
   * @example
   * const { data, error } = await kit.accounts.files.upload('contracts/acme-2026.pdf', pdf, { contentType: 'application/pdf' });
   */
  upload(
    name: string,
    file: Blob | ArrayBuffer | Uint8Array | string,
    options?: UploadOptions & { accountId?: string },
  ): Promise<Result<UploadedFile, AccountChoiceErrorCode | StorageErrorCode>>;
  upload(name: string, file: Blob | ArrayBuffer | Uint8Array | string, options: UploadOptions & { accountId?: string } = {}): Promise<Result<UploadedFile>> {
    return this.#folder(options.accountId).upload(name, file, options);
  }

  /**
   * The account's files one level below `prefix` (empty without `view_payments`).
   *
   * @example
   * const { data, error } = await kit.accounts.files.list({ prefix: 'contracts' });
   */
  list(options?: ListOptions & { accountId?: string }): Promise<Result<StoredFile[], AccountChoiceErrorCode | StorageErrorCode>>;
  list(options: ListOptions & { accountId?: string } = {}): Promise<Result<StoredFile[]>> {
    return this.#folder(options.accountId).list(options);
  }

  /**
   * A file's bytes.
   *
   * @example
   * const { data, error } = await kit.accounts.files.download('contracts/acme-2026.pdf');
   */
  download(name: string, options?: { accountId?: string }): Promise<Result<Blob, AccountChoiceErrorCode | StorageErrorCode>>;
  download(name: string, options: { accountId?: string } = {}): Promise<Result<Blob>> {
    return this.#folder(options.accountId).download(name);
  }

  /**
   * An expiring URL for a file the caller may read.
   *
   * @example
   * const { data: url, error } = await kit.accounts.files.signedUrl('invoices/2026-01.pdf', { expires_in: 300 });
   */
  signedUrl(
    name: string,
    input: { expires_in: number; download?: string | boolean } | undefined,
    options?: { accountId?: string },
  ): Promise<Result<string, AccountChoiceErrorCode | StorageErrorCode>>;
  signedUrl(name: string, input: { expires_in: number; download?: string | boolean } | undefined, options: { accountId?: string } = {}): Promise<Result<string>> {
    return this.#folder(options.accountId).signedUrl(name, input?.expires_in, input?.download === undefined ? {} : { download: input.download });
  }

  /**
   * Removes files (owners and admins); returns the names actually removed.
   *
   * @example
   * const { data, error } = await kit.accounts.files.remove(['contracts/old.pdf']);
   */
  remove(names: string[], options?: { accountId?: string }): Promise<Result<string[], AccountChoiceErrorCode | StorageErrorCode>>;
  remove(names: string[], options: { accountId?: string } = {}): Promise<Result<string[]>> {
    return this.#folder(options.accountId).remove(names);
  }
}
