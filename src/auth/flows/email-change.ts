/**
 * Completing an e-mail change (GoTrue's `emailChangeVerify`): with secure change and confirmations on,
 * the first of the two links only records itself; otherwise the new address replaces the old one, in
 * the user row, its e-mail identity and (if unconfirmed) its confirmation state.
 */
import type { AuthDeps } from '../context.ts';
import { userActor } from '../context.ts';
import type { Queryable } from '../db/pool.ts';
import type { UserRow } from '../db/rows.ts';
import { clearAllOneTimeTokens, clearOneTimeToken, findOneTimeToken, insertAuditLog } from '../db/tokens.ts';
import { findIdentity, reloadIdentities, updateIdentityData, updateUserColumns } from '../db/users.ts';
import { addIdentity, confirmEmail } from './users.ts';

/** The message GoTrue answers when only one of the two e-mail change links was followed. */
export const SINGLE_CONFIRMATION_ACCEPTED = 'Confirmation link accepted. Please proceed to confirm link sent to the other email';

/** Applies a verified e-mail change; `undefined` means "first of two confirmations recorded". */
export async function verifyEmailChange(deps: AuthDeps, tx: Queryable, user: UserRow, presented: { token?: string; tokenHash: string }): Promise<UserRow | undefined> {
  if (!deps.config.mailerAutoconfirm && deps.config.secureEmailChange && user.email_change_confirm_status === 0 && (user.email ?? '') !== '') {
    const matches = async (column: string, type: 'email_change_token_current' | 'email_change_token_new') =>
      presented.token === column || presented.tokenHash === column || (await findOneTimeToken(tx, presented.tokenHash, [type])) !== undefined;
    let currentToken = user.email_change_token_current;
    let newToken = user.email_change_token_new;
    if (await matches(currentToken, 'email_change_token_current')) {
      currentToken = '';
      await clearOneTimeToken(tx, user.id, 'email_change_token_current');
    } else if (await matches(newToken, 'email_change_token_new')) {
      newToken = '';
      await clearOneTimeToken(tx, user.id, 'email_change_token_new');
    }
    await updateUserColumns(tx, user, {
      email_change_confirm_status: 1,
      email_change_token_current: currentToken,
      email_change_token_new: newToken,
    });
    return undefined;
  }

  const newEmail = user.email_change;
  await insertAuditLog(tx, userActor(user), 'user_modified');
  let row = user;
  const identity = await findIdentity(tx, user.id, 'email');
  if (!identity) {
    row = await addIdentity(tx, row, 'email', {
      sub: user.id,
      email: newEmail,
      email_verified: true,
      phone_verified: false,
    });
  } else {
    await updateIdentityData(tx, identity, { email: newEmail, email_verified: true });
  }
  if (row.is_anonymous) row = await updateUserColumns(tx, row, { is_anonymous: false });
  row = await reloadIdentities(tx, row);
  // GoTrue's ConfirmEmailChange.
  row = await updateUserColumns(tx, row, {
    email: newEmail,
    email_change: '',
    email_change_token_current: '',
    email_change_token_new: '',
    email_change_confirm_status: 0,
  });
  await clearAllOneTimeTokens(tx, row.id);
  if (row.email_confirmed_at === null) row = await confirmEmail(tx, row);
  const emailIdentity = await findIdentity(tx, row.id, 'email');
  if (emailIdentity && 'email' in emailIdentity.identity_data) {
    await tx.query({
      name: 'auth_identity_set_email',
      text: `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text),
               updated_at = now() where id = $1`,
      values: [emailIdentity.id, newEmail],
    });
  }
  return reloadIdentities(tx, row);
}
