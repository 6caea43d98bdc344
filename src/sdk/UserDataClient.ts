/**
 * `kit.userData`: a user's right to leave and to take their data along. Delete your own account (with
 * your current password or the code `kit.auth` reauthentication mails) or, as an admin, anyone's; export
 * all your data as JSON (a background job that answers a signed link). Money records outlive a deletion
 * with an anonymised owner, so the books still balance.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { deleteAccountSchema, type DeleteAccountInput } from '../../supabase/functions/_shared/schemas/user-data.ts';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result, type FunctionErrorCodes, type RpcErrorCodes } from './errors.ts';
import { invokeMutation, type MutationOptions } from './functions.ts';
import type { Job } from './JobsClient.ts';
import { parseInput, checkIds } from './validation.ts';
import { badKey, keyedBy } from './postgrest.ts';

export type { DeleteAccountInput };

/** A finished export's result: where the JSON is and a link to download it (valid one hour). */
export interface DataExport {
  path: string;
  signed_url: string;
  expires_at: string;
  bytes: number;
}

export class UserDataClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Deletes your own account, after proving it is you: `current_password`, or `nonce` (the code
   * reauthentication mailed). Errors: `invalid_current_password`, `reauthentication_needed`,
   * `account_owner` (you own a business account: it must be deleted first).
   *
   * @example
   * const { data, error } = await kit.userData.deleteAccount({ current_password: 'my password' });
   * if (!error) await kit.auth.signOut();
   */
  deleteAccount(input: Omit<DeleteAccountInput, 'user_id'>, options?: MutationOptions): Promise<Result<{ user_id: string; deleted: true }, FunctionErrorCodes['delete-account']>>;
  async deleteAccount(input: Omit<DeleteAccountInput, 'user_id'>, options: MutationOptions = {}): Promise<Result<{ user_id: string; deleted: true }>> {
    const parsed = parseInput(deleteAccountSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation(this.supabase, 'delete-account', parsed.data, options);
  }

  /**
   * Admins: deletes any other user. Errors: `forbidden`, `not_found`, `account_owner`.
   *
   * @example
   * const { data, error } = await kit.userData.deleteUser(userId);
   */
  deleteUser(userId: string, options?: MutationOptions): Promise<Result<{ user_id: string; deleted: true }, FunctionErrorCodes['delete-account']>>;
  async deleteUser(userId: string, options: MutationOptions = {}): Promise<Result<{ user_id: string; deleted: true }>> {
    const parsed = parseInput(deleteAccountSchema, { user_id: userId });
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation(this.supabase, 'delete-account', parsed.data, options);
  }

  /**
   * Queues an export of all your data; answers the job. Poll it with `exportResult(job.id)`.
   *
   * @example
   * const { data: job, error } = await kit.userData.requestExport();
   */
  requestExport(options?: MutationOptions): Promise<Result<Pick<Job, 'id' | 'type' | 'status' | 'created_at'>, RpcErrorCodes['request_data_export']>>;
  async requestExport(options?: MutationOptions): Promise<Result<Pick<Job, 'id' | 'type' | 'status' | 'created_at'>>> {
    const invalidKey = badKey(options);
    if (invalidKey) return { data: null, error: invalidKey };
    const { data, error, status } = await keyedBy(this.supabase.rpc('request_data_export', {}), options);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as unknown as Pick<Job, 'id' | 'type' | 'status' | 'created_at'>, error: null };
  }

  /**
   * The export job and, once it succeeded, its signed link (`export`), else `export: null`.
   *
   * @example
   * const { data } = await kit.userData.exportResult(job.id);
   * if (data?.export) window.location.href = data.export.signed_url;
   */
  exportResult(jobId: string): Promise<Result<{ job: Job; export: DataExport | null }, RpcErrorCodes['get_job']>>;
  async exportResult(jobId: string): Promise<Result<{ job: Job; export: DataExport | null }>> {
    const invalid = checkIds({ jobId });
    if (invalid) return { data: null, error: invalid };
    const { data, error, status } = await this.supabase.rpc('get_job', { job_id: jobId });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    const job = data as unknown as Job;
    const result = job.status === 'succeeded' ? ((job as { result?: unknown }).result as DataExport | null) : null;
    return { data: { job, export: result ?? null }, error: null };
  }
}
