/**
 * Row shapes of the auth tables as the server reads them. Timestamps are RFC 3339 strings (see pool.ts),
 * metadata columns are parsed JSON objects.
 */

/** GoTrue writes this instance id on every row and filters on it in every lookup. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** An `auth.users` row, with its identities when loaded through `USER_SELECT`. */
export interface UserRow {
  instance_id: string | null;
  id: string;
  aud: string;
  role: string;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: string | null;
  invited_at: string | null;
  confirmation_token: string;
  confirmation_sent_at: string | null;
  recovery_token: string;
  recovery_sent_at: string | null;
  email_change_token_new: string;
  email_change: string | null;
  email_change_sent_at: string | null;
  last_sign_in_at: string | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  is_super_admin: boolean | null;
  created_at: string;
  updated_at: string;
  phone: string | null;
  phone_confirmed_at: string | null;
  phone_change: string;
  phone_change_token: string;
  phone_change_sent_at: string | null;
  confirmed_at: string | null;
  email_change_token_current: string;
  email_change_confirm_status: number;
  banned_until: string | null;
  reauthentication_token: string;
  reauthentication_sent_at: string | null;
  is_sso_user: boolean;
  deleted_at: string | null;
  is_anonymous: boolean;
  identities: IdentityRow[];
}

/** An `auth.identities` row. When it comes through `json_agg`, timestamps carry `+00:00` instead of `Z`. */
export interface IdentityRow {
  provider_id: string;
  user_id: string;
  identity_data: Record<string, unknown>;
  provider: string;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
  email: string | null;
  id: string;
}

/** An `auth.sessions` row (the columns this server uses). */
export interface SessionRow {
  id: string;
  user_id: string;
  created_at: string;
  updated_at: string;
  aal: string | null;
  not_after: string | null;
  refreshed_at: string | null;
  user_agent: string | null;
  ip: string | null;
}

/** An `auth.refresh_tokens` row. */
export interface RefreshTokenRow {
  id: string;
  token: string;
  user_id: string;
  revoked: boolean;
  created_at: string;
  updated_at: string;
  parent: string | null;
  session_id: string | null;
}

/** An `auth.flow_state` row (PKCE). */
export interface FlowStateRow {
  id: string;
  user_id: string | null;
  auth_code: string;
  code_challenge_method: 's256' | 'plain';
  code_challenge: string;
  provider_type: string;
  authentication_method: string;
  created_at: string;
}

/** Milliseconds since the epoch of a row timestamp (`null` stays `null`). */
export function ms(timestamp: string | null): number | null {
  return timestamp === null ? null : Date.parse(timestamp);
}
