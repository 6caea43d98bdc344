/**
 * The e-mail flows (GoTrue's `sendConfirmation`, `sendInvite`, `sendPasswordRecovery`, `sendMagicLink`,
 * `sendEmailChange`): frequency check, a fresh OTP and its hash (with `pkce_` prefix in PKCE flows), the
 * mail, then the user columns and the matching `one_time_tokens` row. The mail goes out before the
 * writes, as in GoTrue, so a mailbox failure leaves the user untouched.
 */
import type { AuthDeps } from '../context.ts';
import { newOtp, tokenHash } from '../crypto/random.ts';
import type { Queryable } from '../db/pool.ts';
import type { UserRow } from '../db/rows.ts';
import { createOneTimeToken } from '../db/tokens.ts';
import { NOW, updateUserColumns } from '../db/users.ts';
import { ApiError, internal, tooManyRequests } from '../http/errors.ts';
import type { MailInput, MailType } from '../mail/mailer.ts';

/** Where a flow's mail points and who asked for it. */
export interface MailContext {
  /** The allowed `redirect_to` (or site URL). */
  redirectTo: string;
  /** Client IP, for the e-mail rate limit. */
  ip: string;
  /** PKCE flows prefix stored hashes with `pkce_`. */
  pkce: boolean;
}

/** GoTrue's action link: `<external>/verify?token=<hash>&type=<type>&redirect_to=<url>`. */
export function actionLink(deps: AuthDeps, hash: string, type: string, redirectTo: string): string {
  // GoTrue encodes redirect_to only when it contains & = or # (otherwise it is taken as already encoded).
  const redirect = /[&=#]/.test(redirectTo) ? encodeURIComponent(redirectTo) : redirectTo;
  return `${deps.config.externalUrl}/verify?token=${encodeURIComponent(hash)}&type=${encodeURIComponent(type)}&redirect_to=${redirect}`;
}

/** 429 if the last mail of this kind went out less than `max_frequency` ago. */
function checkFrequency(deps: AuthDeps, sentAt: string | null): void {
  if (sentAt === null) return;
  const until = Date.parse(sentAt) + deps.config.mailMaxFrequencySeconds * 1000;
  if (until > Date.now()) {
    const left = Math.trunc((until - Date.now()) / 1000);
    throw tooManyRequests('over_email_send_rate_limit', `For security purposes, you can only request this after ${left} seconds.`);
  }
}

/** GoTrue's e-mail send limit: every mail counts, whatever the flow and whether or not autoconfirm is on. */
function takeEmailAllowance(deps: AuthDeps, ctx: MailContext): void {
  if (!deps.limits.allowEmail(ctx.ip)) throw tooManyRequests('over_email_send_rate_limit', 'email rate limit exceeded');
}

/** The template data of one mail to `user` (GoTrue's `{{ .Email }}`, `{{ .Data }}`, …). */
function mailInput(user: UserRow, ctx: MailContext, to: string, link: string, otp: string, token: string): MailInput {
  return {
    to,
    confirmationUrl: link,
    token: otp,
    tokenHash: token,
    redirectTo: ctx.redirectTo,
    email: user.email ?? '',
    newEmail: user.email_change ?? '',
    data: user.raw_user_meta_data ?? {},
  };
}

async function deliver(deps: AuthDeps, ctx: MailContext, type: MailType, input: MailInput, failure: string): Promise<void> {
  takeEmailAllowance(deps, ctx);
  try {
    await deps.mailer.send(type, input);
  } catch (error) {
    throw internal(failure, error);
  }
}

const prefixed = (hash: string, pkce: boolean): string => (pkce ? `pkce_${hash}` : hash);

/** Sends the sign-up confirmation and stores its token. */
export async function sendConfirmation(deps: AuthDeps, tx: Queryable, user: UserRow, ctx: MailContext): Promise<UserRow> {
  checkFrequency(deps, user.confirmation_sent_at);
  const email = user.email ?? '';
  const otp = newOtp(deps.config.otpLength);
  const token = prefixed(tokenHash(email, otp), ctx.pkce);
  const link = actionLink(deps, token, 'signup', ctx.redirectTo);
  await deliver(deps, ctx, 'signup', mailInput(user, ctx, email, link, otp, token), 'Error sending confirmation email');
  const row = await updateUserColumns(tx, user, { confirmation_token: token, confirmation_sent_at: NOW });
  await createOneTimeToken(tx, row.id, email, token, 'confirmation_token');
  return row;
}

/** Sends an invite and stores its token (`invited_at`, `confirmation_sent_at`). */
export async function sendInvite(deps: AuthDeps, tx: Queryable, user: UserRow, ctx: MailContext): Promise<UserRow> {
  const email = user.email ?? '';
  const otp = newOtp(deps.config.otpLength);
  const token = tokenHash(email, otp);
  const link = actionLink(deps, token, 'invite', ctx.redirectTo);
  await deliver(deps, ctx, 'invite', mailInput(user, ctx, email, link, otp, token), 'Error sending invite email');
  const row = await updateUserColumns(tx, user, {
    confirmation_token: token,
    confirmation_sent_at: NOW,
    invited_at: NOW,
  });
  await createOneTimeToken(tx, row.id, email, token, 'confirmation_token');
  return row;
}

/** Sends a recovery (`recovery`) or sign-in (`magiclink`) link; both use the recovery token. */
export async function sendRecoveryKind(deps: AuthDeps, tx: Queryable, user: UserRow, ctx: MailContext, type: 'recovery' | 'magiclink'): Promise<UserRow> {
  checkFrequency(deps, user.recovery_sent_at);
  const email = user.email ?? '';
  const otp = newOtp(deps.config.otpLength);
  const token = prefixed(tokenHash(email, otp), ctx.pkce);
  const failure = type === 'recovery' ? 'Error sending recovery email' : 'Error sending magic link email';
  const link = actionLink(deps, token, type, ctx.redirectTo);
  await deliver(deps, ctx, type, mailInput(user, ctx, email, link, otp, token), failure);
  const row = await updateUserColumns(tx, user, { recovery_token: token, recovery_sent_at: NOW });
  await createOneTimeToken(tx, row.id, email, token, 'recovery_token');
  return row;
}

/**
 * Sends the e-mail change confirmation to the new address, and with secure e-mail change also to the
 * current one; stores `email_change`, both tokens and `email_change_sent_at`.
 */
export async function sendEmailChange(deps: AuthDeps, tx: Queryable, user: UserRow, newEmail: string, ctx: MailContext): Promise<UserRow> {
  checkFrequency(deps, user.email_change_sent_at);
  const otpNew = newOtp(deps.config.otpLength);
  const tokenNew = prefixed(tokenHash(newEmail, otpNew), ctx.pkce);
  const current = user.email ?? '';
  let otpCurrent = '';
  let tokenCurrent = user.email_change_token_current;
  if (deps.config.secureEmailChange && current !== '') {
    otpCurrent = newOtp(deps.config.otpLength);
    tokenCurrent = prefixed(tokenHash(current, otpCurrent), ctx.pkce);
  }
  takeEmailAllowance(deps, ctx);
  try {
    const toNew = actionLink(deps, tokenNew, 'email_change', ctx.redirectTo);
    await deps.mailer.send('email_change', { ...mailInput(user, ctx, newEmail, toNew, otpNew, tokenNew), newEmail });
    if (otpCurrent) {
      const toCurrent = actionLink(deps, tokenCurrent, 'email_change', ctx.redirectTo);
      await deps.mailer.send('email_change', { ...mailInput(user, ctx, current, toCurrent, otpCurrent, tokenCurrent), newEmail });
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw internal('Error sending email change email', error);
  }
  const row = await updateUserColumns(tx, user, {
    email_change_token_current: tokenCurrent,
    email_change_token_new: tokenNew,
    email_change: newEmail,
    email_change_sent_at: NOW,
    email_change_confirm_status: 0,
  });
  if (row.email_change_token_current !== '') {
    await createOneTimeToken(tx, row.id, current, row.email_change_token_current, 'email_change_token_current');
  }
  await createOneTimeToken(tx, row.id, newEmail, tokenNew, 'email_change_token_new');
  return row;
}

/** Sends a reauthentication nonce (a code only, no link) and stores its hash (GoTrue's `sendReauthenticationOtp`). */
export async function sendReauthentication(deps: AuthDeps, tx: Queryable, user: UserRow, ctx: MailContext): Promise<UserRow> {
  checkFrequency(deps, user.reauthentication_sent_at);
  const email = user.email ?? '';
  const otp = newOtp(deps.config.otpLength);
  const token = tokenHash(email, otp);
  takeEmailAllowance(deps, ctx);
  try {
    await deps.mailer.send('reauthentication', mailInput(user, ctx, email, '', otp, token));
  } catch (error) {
    throw internal('Error sending reauthentication email', error);
  }
  const row = await updateUserColumns(tx, user, { reauthentication_token: token, reauthentication_sent_at: NOW });
  await createOneTimeToken(tx, row.id, email, token, 'reauthentication_token');
  return row;
}
