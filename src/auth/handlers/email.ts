/**
 * The unauthenticated e-mail endpoints: `POST /recover` (password reset link), `POST /otp` (magic link,
 * creating the user when allowed) and `POST /resend` (confirmation or e-mail change mail again).
 * Unknown addresses get 200 `{}` like GoTrue, so these endpoints do not reveal who has an account.
 */
import { enforceRateLimit, requestAud, userActor, type AuthDeps } from '../context.ts';
import { randomPassword } from '../crypto/random.ts';
import { withTransaction } from '../db/pool.ts';
import { createFlowState, insertAuditLog } from '../db/tokens.ts';
import { findUserByEmail } from '../db/users.ts';
import { sendConfirmation, sendEmailChange, sendRecoveryKind } from '../flows/mail.ts';
import { badRequest, unprocessable } from '../http/errors.ts';
import { decodeParams, type AuthRequest } from '../http/request.ts';
import { json, type Handler, type Reply } from '../http/router.ts';
import { referrer, validateEmail, validatePkce, type Pkce } from '../validation.ts';
import { signupWithPassword } from './signup.ts';

const empty = (): Reply => json({});

function mailContext(deps: AuthDeps, req: AuthRequest, pkce: Pkce) {
  return { redirectTo: referrer(deps.config, req), ip: req.ip, pkce: pkce !== undefined };
}

/** `POST /recover`. */
export function recoverHandler(deps: AuthDeps): Handler {
  return async (req) => {
    enforceRateLimit(deps, 'recover', req);
    if (!deps.config.emailProviderEnabled) throw badRequest('email_provider_disabled', 'Email logins are disabled');
    const params = decodeParams(await req.json(), 'RecoverParams', {
      email: 'string',
      code_challenge: 'string',
      code_challenge_method: 'string',
    });
    if (params.email === '') throw badRequest('validation_failed', 'Password recovery requires an email');
    const email = validateEmail(params.email);
    const pkce = validatePkce(params.code_challenge, params.code_challenge_method);
    const user = await findUserByEmail(deps.pool, email, requestAud(deps, req));
    if (!user) return empty();
    await withTransaction(deps.pool, async (tx) => {
      await createFlowState(tx, pkce, user.id, 'recovery');
      await insertAuditLog(tx, userActor(user), 'user_recovery_requested');
      await sendRecoveryKind(deps, tx, user, mailContext(deps, req, pkce), 'recovery');
    });
    return empty();
  };
}

/** `POST /otp`: e-mail magic link (phone OTPs need an SMS provider, which the local stack has not). */
export function otpHandler(deps: AuthDeps): Handler {
  return async (req) => {
    enforceRateLimit(deps, 'otp', req);
    const body = await req.json();
    const params = decodeParams(body, 'OtpParams', {
      email: 'string',
      phone: 'string',
      create_user: 'bool',
      data: 'object',
      channel: 'string',
      code_challenge_method: 'string',
      code_challenge: 'string',
    });
    // create_user defaults to true when absent.
    const createUser = body.create_user === undefined || body.create_user === null ? true : params.create_user;
    if (params.email !== '' && params.phone !== '') {
      throw badRequest('validation_failed', 'Only an email address or phone number should be provided');
    }
    if (params.email !== '' && params.channel !== '') {
      throw badRequest('validation_failed', 'Channel should only be specified with Phone OTP');
    }
    const pkce = validatePkce(params.code_challenge, params.code_challenge_method);
    if (!createUser && params.email !== '') {
      const email = validateEmail(params.email);
      if (!(await findUserByEmail(deps.pool, email, requestAud(deps, req)))) {
        throw unprocessable('otp_disabled', 'Signups not allowed for otp');
      }
    }
    if (params.phone !== '') throw badRequest('phone_provider_disabled', 'Unsupported phone provider');
    if (params.email === '') throw badRequest('validation_failed', 'One of email or phone must be set');
    return magicLink(deps, req, params.email, params.data ?? {}, pkce, params.code_challenge, params.code_challenge_method);
  };
}

async function magicLink(
  deps: AuthDeps,
  req: AuthRequest,
  rawEmail: string,
  data: Record<string, unknown>,
  pkce: Pkce,
  codeChallenge: string,
  codeChallengeMethod: string,
): Promise<Reply> {
  if (!deps.config.emailProviderEnabled) throw unprocessable('email_provider_disabled', 'Email logins are disabled');
  const email = validateEmail(rawEmail);
  const aud = requestAud(deps, req);
  let user = await findUserByEmail(deps.pool, email, aud);
  if (user?.email_confirmed_at == null) {
    // GoTrue signs the address up with a random password: confirmed at once under autoconfirm (then
    // the magic link follows), otherwise the sign-up confirmation mail is the magic link.
    await signupWithPassword(
      deps,
      req,
      {
        email,
        phone: '',
        password: randomPassword(33),
        data,
        code_challenge: codeChallenge,
        code_challenge_method: codeChallengeMethod,
      },
      false,
    );
    if (!deps.config.mailerAutoconfirm) return empty();
    user = await findUserByEmail(deps.pool, email, aud);
    if (!user) return empty();
  }
  const target = user;
  await withTransaction(deps.pool, async (tx) => {
    await createFlowState(tx, pkce, target.id, 'magiclink');
    await insertAuditLog(tx, userActor(target), 'user_recovery_requested');
    await sendRecoveryKind(deps, tx, target, mailContext(deps, req, pkce), 'magiclink');
  });
  return empty();
}

/** `POST /resend`: the sign-up confirmation or the e-mail change mail again. */
export function resendHandler(deps: AuthDeps): Handler {
  return async (req) => {
    enforceRateLimit(deps, 'resend', req);
    const params = decodeParams(await req.json(), 'ResendConfirmationParams', {
      type: 'string',
      email: 'string',
      phone: 'string',
      code_challenge: 'string',
      code_challenge_method: 'string',
    });
    let pkce: Pkce;
    switch (params.type) {
      case 'signup':
      case 'email_change':
        pkce = validatePkce(params.code_challenge, params.code_challenge_method);
        break;
      case 'sms':
      case 'phone_change':
        break;
      default:
        throw badRequest('validation_failed', 'Missing one of these types: signup, email_change, sms, phone_change');
    }
    if (params.email === '' && params.type === 'signup') {
      throw badRequest('validation_failed', 'Type provided requires an email address');
    }
    if (params.phone === '' && params.type === 'sms') {
      throw badRequest('validation_failed', 'Type provided requires a phone number');
    }
    if (params.email !== '' && params.phone !== '') {
      throw badRequest('validation_failed', 'Only an email address or phone number should be provided.');
    }
    if (params.phone !== '') throw badRequest('phone_provider_disabled', 'Phone logins are disabled');
    if (params.email === '') throw badRequest('validation_failed', 'Missing email address or phone number');
    if (!deps.config.emailProviderEnabled) throw badRequest('email_provider_disabled', 'Email logins are disabled');
    const email = validateEmail(params.email);
    const user = await findUserByEmail(deps.pool, email, requestAud(deps, req));
    if (!user) return empty();
    if (params.type === 'signup' && user.email_confirmed_at !== null) return empty();
    // A user written by SQL (seeds) has a null email_change: nothing pending either.
    const pendingEmail = user.email_change ?? '';
    if (params.type === 'email_change' && pendingEmail === '') return empty();
    if (params.type !== 'signup' && params.type !== 'email_change') return empty();

    await withTransaction(deps.pool, async (tx) => {
      if (params.type === 'signup') {
        await insertAuditLog(tx, userActor(user), 'user_confirmation_requested');
        await createFlowState(tx, pkce, user.id, 'email', 'email/signup');
        await sendConfirmation(deps, tx, user, mailContext(deps, req, pkce));
      } else {
        await createFlowState(tx, pkce, user.id, 'email_change');
        await sendEmailChange(deps, tx, user, pendingEmail, mailContext(deps, req, pkce));
      }
    });
    return empty();
  };
}
