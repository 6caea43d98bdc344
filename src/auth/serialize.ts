/**
 * The JSON GoTrue sends for a user and an identity: keys in GoTrue's struct order, optional keys left out
 * when empty, never a token column or the password hash.
 */
import type { IdentityRow, UserRow } from './db/rows.ts';

/** `2024-01-01T00:00:00.123456+00:00` (from `json_agg`) → `2024-01-01T00:00:00.123456Z`. */
function iso(value: string | null): string | null {
  if (value === null) return null;
  return value.endsWith('+00:00') ? `${value.slice(0, -6)}Z` : value;
}

/** An identity as GoTrue shows it (`identity_id` is the row id, `id` the provider id). */
export function identityJson(identity: IdentityRow): Record<string, unknown> {
  const out: Record<string, unknown> = {
    identity_id: identity.id,
    id: identity.provider_id,
    user_id: identity.user_id,
  };
  if (Object.keys(identity.identity_data).length > 0) {
    out.identity_data = identity.identity_data;
  }
  out.provider = identity.provider;
  if (identity.last_sign_in_at) out.last_sign_in_at = iso(identity.last_sign_in_at);
  out.created_at = iso(identity.created_at);
  out.updated_at = iso(identity.updated_at);
  if (identity.email) out.email = identity.email;
  return out;
}

/** A user as GoTrue shows it. */
export function userJson(user: UserRow): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: user.id,
    aud: user.aud,
    role: user.role,
    email: user.email ?? '',
  };
  const optional = (key: string, value: unknown): void => {
    if (value !== null && value !== undefined && value !== '') out[key] = value;
  };
  optional('email_confirmed_at', user.email_confirmed_at);
  optional('invited_at', user.invited_at);
  out.phone = user.phone ?? '';
  optional('phone_confirmed_at', user.phone_confirmed_at);
  optional('confirmation_sent_at', user.confirmation_sent_at);
  optional('confirmed_at', user.confirmed_at);
  optional('recovery_sent_at', user.recovery_sent_at);
  optional('new_email', user.email_change);
  optional('email_change_sent_at', user.email_change_sent_at);
  optional('new_phone', user.phone_change);
  optional('phone_change_sent_at', user.phone_change_sent_at);
  optional('reauthentication_sent_at', user.reauthentication_sent_at);
  optional('last_sign_in_at', user.last_sign_in_at);
  out.app_metadata = user.raw_app_meta_data ?? {};
  out.user_metadata = user.raw_user_meta_data ?? {};
  out.identities = user.identities.map(identityJson);
  out.created_at = user.created_at;
  out.updated_at = user.updated_at;
  optional('banned_until', user.banned_until);
  optional('deleted_at', user.deleted_at);
  out.is_anonymous = user.is_anonymous;
  return out;
}
