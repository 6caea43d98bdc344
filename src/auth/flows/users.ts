/**
 * User-row operations composed from single writes in GoTrue's order (`Confirm`, `UpdatePassword`,
 * `UpdateAppMetaDataProviders`, …). Each function takes the transaction and the current row and returns
 * the row as the database now has it.
 */
import type { Queryable } from '../db/pool.ts';
import type { UserRow } from '../db/rows.ts';
import { deleteAllSessions, deleteOtherSessions } from '../db/sessions.ts';
import { clearAllOneTimeTokens } from '../db/tokens.ts';
import { findProviders, insertIdentity, insertUser, mergeMetadata, NOW, reloadIdentities, updateUserColumns, type NewUser } from '../db/users.ts';

/** GoTrue's `signupNewUser`: INSERT with `role = ''`, then UPDATE the role (what triggers observe). */
export async function insertUserWithRole(tx: Queryable, user: NewUser, role: string): Promise<UserRow> {
  const inserted = await insertUser(tx, user);
  return updateUserColumns(tx, inserted, { role: role.trim() });
}

/** Identity data of an e-mail identity: GoTrue's claims map plus the sign-up `data` keys that do not collide. */
export function emailIdentityData(user: UserRow, extra: Record<string, unknown> = {}, emailVerified = false): Record<string, unknown> {
  const data: Record<string, unknown> = {
    sub: user.id,
    email: user.email ?? '',
    email_verified: emailVerified,
    phone_verified: false,
  };
  for (const [key, value] of Object.entries(extra)) if (!(key in data)) data[key] = value;
  return data;
}

/** Inserts an identity and returns the user with identities reloaded. */
export async function addIdentity(tx: Queryable, user: UserRow, provider: string, identityData: Record<string, unknown>): Promise<UserRow> {
  await insertIdentity(tx, user.id, provider, identityData);
  return reloadIdentities(tx, user);
}

/** Merges into `raw_user_meta_data` (a `null` value removes the key) and writes it. */
export function updateUserMetadata(tx: Queryable, user: UserRow, updates: Record<string, unknown>): Promise<UserRow> {
  return updateUserColumns(tx, user, { raw_user_meta_data: mergeMetadata(user.raw_user_meta_data, updates) });
}

/** Merges into `raw_app_meta_data` and writes it. */
export function updateAppMetadata(tx: Queryable, user: UserRow, updates: Record<string, unknown>): Promise<UserRow> {
  return updateUserColumns(tx, user, { raw_app_meta_data: mergeMetadata(user.raw_app_meta_data, updates) });
}

/** Recomputes `app_metadata.providers` (and `provider`) from the user's identities. */
export async function updateProviders(tx: Queryable, user: UserRow): Promise<UserRow> {
  const providers = await findProviders(tx, user.id);
  const updates: Record<string, unknown> = { providers };
  if (providers.length > 0) updates.provider = providers[0];
  return updateAppMetadata(tx, user, updates);
}

/** GoTrue's `Confirm`: clear the confirmation token, set `email_confirmed_at`, `email_verified`, drop OTTs. */
export async function confirmEmail(tx: Queryable, user: UserRow): Promise<UserRow> {
  let row = await updateUserColumns(tx, user, { confirmation_token: '', email_confirmed_at: NOW });
  row = await updateUserMetadata(tx, row, { email_verified: true });
  await clearAllOneTimeTokens(tx, row.id);
  return row;
}

/**
 * GoTrue's `UpdatePassword`: new hash, every pending token cleared, OTTs dropped; then all sessions
 * deleted (`keepSessionId` undefined) or all but the caller's.
 */
export async function setPassword(tx: Queryable, user: UserRow, encryptedPassword: string | null, keepSessionId: string | undefined): Promise<UserRow> {
  const row = await updateUserColumns(tx, user, {
    encrypted_password: encryptedPassword,
    confirmation_token: '',
    confirmation_sent_at: null,
    recovery_token: '',
    recovery_sent_at: null,
    email_change_token_current: '',
    email_change_token_new: '',
    email_change_sent_at: null,
    phone_change_token: '',
    phone_change_sent_at: null,
    reauthentication_token: '',
    reauthentication_sent_at: null,
  });
  await clearAllOneTimeTokens(tx, row.id);
  if (keepSessionId === undefined) await deleteAllSessions(tx, row.id);
  else await deleteOtherSessions(tx, row.id, keepSessionId);
  return row;
}

/** Bans for `durationMs` from now; 0 lifts the ban (`banned_until` NULL). */
export function ban(tx: Queryable, user: UserRow, durationMs: number): Promise<UserRow> {
  if (durationMs === 0) return updateUserColumns(tx, user, { banned_until: null });
  return updateUserColumns(tx, user, { banned_until: new Date(Date.now() + durationMs).toISOString() });
}
