/**
 * `auth.users` and `auth.identities`: lookups and the individual writes GoTrue makes, one statement per
 * GoTrue `UpdateOnly`, so that triggers observe the same sequence of row versions as in production.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Queryable } from './pool.ts';
import { NIL_UUID, type IdentityRow, type UserRow } from './rows.ts';

/** Marks a column value to be written as the transaction's `now()`. */
export const NOW = Symbol('now');
/** A value for `updateUserColumns`. */
export type ColumnValue = string | number | boolean | null | Record<string, unknown> | typeof NOW;

const JSON_COLUMNS = new Set(['raw_app_meta_data', 'raw_user_meta_data', 'identity_data']);

/** Users with their identities aggregated in, as GoTrue's eager loading gives them. */
const USER_SELECT = `select u.*, coalesce((select json_agg(i order by i.created_at, i.id) from auth.identities i
  where i.user_id = u.id), '[]'::json) as identities from auth.users u`;

async function one(db: Queryable, name: string, text: string, values: unknown[]): Promise<UserRow | undefined> {
  const result = await db.query<UserRow>({ name, text, values });
  return result.rows[0];
}

/** The user with this e-mail (case-insensitive) and audience, as GoTrue's `FindUserByEmailAndAudience`. */
export function findUserByEmail(db: Queryable, email: string, aud: string): Promise<UserRow | undefined> {
  return one(db, 'auth_user_by_email', `${USER_SELECT} where u.instance_id = $1 and lower(u.email) = $2 and u.aud = $3 and u.is_sso_user = false limit 1`, [
    NIL_UUID,
    email.toLowerCase(),
    aud,
  ]);
}

/** The user with this id. */
export function findUserById(db: Queryable, id: string): Promise<UserRow | undefined> {
  return one(db, 'auth_user_by_id', `${USER_SELECT} where u.instance_id = $1 and u.id = $2 limit 1`, [NIL_UUID, id]);
}

/** The user with this id, row-locked for the rest of the transaction. */
export function findUserByIdForUpdate(db: Queryable, id: string): Promise<UserRow | undefined> {
  return one(db, 'auth_user_by_id_for_update', `${USER_SELECT} where u.instance_id = $1 and u.id = $2 limit 1 for update of u`, [NIL_UUID, id]);
}

/** The user with this phone number and audience. */
export function findUserByPhone(db: Queryable, phone: string, aud: string): Promise<UserRow | undefined> {
  return one(db, 'auth_user_by_phone', `${USER_SELECT} where u.instance_id = $1 and u.phone = $2 and u.aud = $3 and u.is_sso_user = false limit 1`, [NIL_UUID, phone, aud]);
}

/**
 * GoTrue's `IsDuplicatedEmail`: another user (not `exceptUserId`) of this audience owning the address,
 * either through an identity carrying it or through `users.email`.
 */
export async function findDuplicateEmailUser(db: Queryable, email: string, aud: string, exceptUserId?: string): Promise<UserRow | undefined> {
  const result = await db.query<{ id: string }>({
    name: 'auth_duplicate_email',
    text: `select u.id from auth.users u where u.aud = $2 and u.id is distinct from $3::uuid and (
             u.id in (select i.user_id from auth.identities i where i.email = $1)
             or (u.instance_id = $4 and lower(u.email) = $1 and u.is_sso_user = false))
           order by u.created_at limit 1`,
    values: [email.toLowerCase(), aud, exceptUserId ?? null, NIL_UUID],
  });
  const id = result.rows[0]?.id;
  return id ? findUserById(db, id) : undefined;
}

/** Fields of a new `auth.users` row; everything else gets GoTrue's empty values (`''`, `{}`, NULL). */
export interface NewUser {
  id?: string;
  aud: string;
  email: string | null;
  phone?: string | null;
  encryptedPassword: string;
  appMetaData: Record<string, unknown>;
  userMetaData: Record<string, unknown>;
  isAnonymous?: boolean;
}

/** Inserts a user with `role = ''`, as GoTrue does before its separate role update. */
export async function insertUser(db: Queryable, user: NewUser): Promise<UserRow> {
  const result = await db.query<UserRow>({
    name: 'auth_insert_user',
    text: `insert into auth.users (
        instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, invited_at,
        confirmation_token, confirmation_sent_at, recovery_token, recovery_sent_at, email_change_token_new,
        email_change, email_change_sent_at, last_sign_in_at, raw_app_meta_data, raw_user_meta_data,
        is_super_admin, created_at, updated_at, phone, phone_confirmed_at, phone_change, phone_change_token,
        phone_change_sent_at, email_change_token_current, email_change_confirm_status, banned_until,
        reauthentication_token, reauthentication_sent_at, is_sso_user, deleted_at, is_anonymous)
      values ($1, $2, $3, '', $4, $5, null, null, '', null, '', null, '', '', null, null, $6::jsonb, $7::jsonb,
        null, now(), now(), $8, null, '', '', null, '', 0, null, '', null, false, null, $9)
      returning *, '[]'::json as identities`,
    values: [
      NIL_UUID,
      user.id ?? randomUUID(),
      user.aud,
      user.email,
      user.encryptedPassword,
      JSON.stringify(user.appMetaData),
      JSON.stringify(user.userMetaData),
      user.phone ?? null,
      user.isAnonymous ?? false,
    ],
  });
  return result.rows[0]!;
}

/**
 * One GoTrue `UpdateOnly`: sets exactly these columns plus `updated_at`, returns the new row.
 * Column names come from code, never from input. Identities of `user` are carried over.
 */
export async function updateUserColumns(db: Queryable, user: UserRow, columns: Record<string, ColumnValue>): Promise<UserRow> {
  const names = Object.keys(columns);
  const values: unknown[] = [user.id];
  const sets = names.map((name) => {
    const value = columns[name]!;
    if (value === NOW) return `${name} = now()`;
    values.push(JSON_COLUMNS.has(name) ? JSON.stringify(value) : value);
    return `${name} = $${values.length}${JSON_COLUMNS.has(name) ? '::jsonb' : ''}`;
  });
  const signature = names.map((n) => (columns[n] === NOW ? `${n}!` : n)).join(',');
  const result = await db.query<UserRow>({
    // Postgres cuts statement names at 63 bytes: long signatures are named by their hash so that two
    // different updates never share a (cut) name.
    name: signature.length <= 40 ? `auth_update_user:${signature}` : `auth_update_user#${createHash('sha1').update(signature).digest('hex')}`,
    text: `update auth.users set ${sets.join(', ')}, updated_at = now() where id = $1 returning *`,
    values,
  });
  const row = result.rows[0];
  if (!row) throw new Error(`user ${user.id} vanished during an update`);
  row.identities = user.identities;
  return row;
}

/** Reloads the identities of `user` (after identity writes). */
export async function reloadIdentities(db: Queryable, user: UserRow): Promise<UserRow> {
  user.identities = await findIdentitiesByUser(db, user.id);
  return user;
}

/** Deletes the user; cascades remove identities, sessions, tokens, factors. */
export async function deleteUser(db: Queryable, id: string): Promise<void> {
  await db.query({ name: 'auth_delete_user', text: 'delete from auth.users where id = $1', values: [id] });
}

/** Inserts an identity (`provider_id` = `identity_data.sub`), with `last_sign_in_at` = now like GoTrue. */
export async function insertIdentity(db: Queryable, userId: string, provider: string, identityData: Record<string, unknown>): Promise<IdentityRow> {
  const data = { ...identityData };
  if (typeof data.email === 'string') data.email = data.email.toLowerCase();
  const result = await db.query<IdentityRow>({
    name: 'auth_insert_identity',
    text: `insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at,
             updated_at, id)
           values ($1, $2, $3::jsonb, $4, now(), now(), now(), $5) returning *`,
    values: [String(data.sub), userId, JSON.stringify(data), provider, randomUUID()],
  });
  return result.rows[0]!;
}

/** All identities of a user, oldest first. */
export async function findIdentitiesByUser(db: Queryable, userId: string): Promise<IdentityRow[]> {
  const result = await db.query<IdentityRow>({
    name: 'auth_identities_by_user',
    text: 'select * from auth.identities where user_id = $1 order by created_at, id',
    values: [userId],
  });
  return result.rows;
}

/** The identity of a provider account (`provider_id`, `provider`). */
export async function findIdentity(db: Queryable, providerId: string, provider: string): Promise<IdentityRow | undefined> {
  const result = await db.query<IdentityRow>({
    name: 'auth_identity_by_provider',
    text: 'select * from auth.identities where provider_id = $1 and provider = $2 limit 1',
    values: [providerId, provider],
  });
  return result.rows[0];
}

/** GoTrue's `UpdateIdentityData`: merge (`null` deletes a key) and write `identity_data` only. */
export async function updateIdentityData(db: Queryable, identity: IdentityRow, updates: Record<string, unknown>): Promise<IdentityRow> {
  const data = mergeMetadata(identity.identity_data, updates);
  if (typeof data.email === 'string') data.email = data.email.toLowerCase();
  const result = await db.query<IdentityRow>({
    name: 'auth_update_identity_data',
    text: 'update auth.identities set identity_data = $2::jsonb where id = $1 returning *',
    values: [identity.id, JSON.stringify(data)],
  });
  return result.rows[0]!;
}

/** Overwrites `provider_id` (soft delete obfuscation). */
export async function setIdentityProviderId(db: Queryable, identityId: string, providerId: string): Promise<void> {
  await db.query({
    name: 'auth_set_identity_provider_id',
    text: 'update auth.identities set provider_id = $2 where id = $1',
    values: [identityId, providerId],
  });
}

/** Distinct providers of a user's identities, oldest first (`app_metadata.providers`). */
export async function findProviders(db: Queryable, userId: string): Promise<string[]> {
  const result = await db.query<{ provider: string }>({
    name: 'auth_providers_by_user',
    text: 'select provider from auth.identities where user_id = $1 order by created_at asc',
    values: [userId],
  });
  const providers: string[] = [];
  for (const { provider } of result.rows) if (!providers.includes(provider)) providers.push(provider);
  return providers;
}

/** GoTrue's metadata merge: keys set to `null` are removed, others replaced. Returns a new object. */
export function mergeMetadata(current: Record<string, unknown> | null, updates: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(updates)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** A page of users of an audience, newest first, with the total count (admin list). */
export async function listUsers(db: Queryable, aud: string, page: number, perPage: number, filter: string): Promise<{ users: UserRow[]; total: number }> {
  const like = filter ? `%${filter}%` : null;
  const where = `u.instance_id = $1 and u.aud = $2
    and ($3::text is null or u.email like $3 or u.raw_user_meta_data ->> 'full_name' ilike $3)`;
  const [rows, count] = await Promise.all([
    db.query<UserRow>({
      name: 'auth_list_users',
      text: `${USER_SELECT} where ${where} order by u.created_at desc, u.id desc limit $4 offset $5`,
      values: [NIL_UUID, aud, like, perPage, (page - 1) * perPage],
    }),
    db.query<{ total: string }>({
      name: 'auth_count_users',
      text: `select count(*) as total from auth.users u where ${where}`,
      values: [NIL_UUID, aud, like],
    }),
  ]);
  return { users: rows.rows, total: Number(count.rows[0]!.total) };
}
