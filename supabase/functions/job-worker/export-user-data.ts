/**
 * The `users.export_data` job: writes everything the platform holds about payload.user_id
 * (private.user_data_export) as one JSON file to the Storage `media` bucket, in the user's own folder
 * (`<user_id>/exports/<job_id>.json`, which the media policies let only that user read), and answers a
 * signed link valid for an hour. Re-running the job overwrites the same file.
 */
import { database } from '../_shared/database.ts';
import { serviceClient } from '../_shared/supabase.ts';
import { type ClaimedJob, PermanentJobError } from './handlers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LINK_SECONDS = 3600;

export async function exportUserData(job: ClaimedJob): Promise<{ path: string; signed_url: string; expires_at: string; bytes: number }> {
  const userId = String(job.payload.user_id ?? '');
  if (!UUID.test(userId)) throw new PermanentJobError('payload.user_id must be a user id');
  const [row] = await database()<{ data: unknown }[]>`select private.user_data_export(${userId}::uuid) as data`;
  const body = JSON.stringify(row?.data ?? null, null, 2);
  const path = `${userId}/exports/${job.id}.json`;
  const storage = serviceClient().storage.from('media');
  const uploaded = await storage.upload(path, new Blob([body], { type: 'application/json' }), { upsert: true, contentType: 'application/json' });
  if (uploaded.error) throw new Error(`Storage refused the export: ${uploaded.error.message}`);
  const signed = await storage.createSignedUrl(path, LINK_SECONDS, { download: `data-export-${userId}.json` });
  if (signed.error || !signed.data) throw new Error(`Storage did not sign the export: ${signed.error?.message}`);
  return {
    path,
    signed_url: signed.data.signedUrl,
    expires_at: new Date(Date.now() + LINK_SECONDS * 1000).toISOString(),
    bytes: new TextEncoder().encode(body).length,
  };
}
