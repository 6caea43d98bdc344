/**
 * Input checks shared by the handlers, with GoTrue's error codes and wording: e-mail addresses, PKCE
 * parameters, UUIDs, phone numbers, and which `redirect_to` URLs are allowed.
 */
import type { AuthConfig } from './config.ts';
import { badRequest } from './http/errors.ts';
import type { AuthRequest } from './http/request.ts';

// The syntax check of badoux/checkmail, which GoTrue uses: local part of atext/dots, a dotted domain.
const EMAIL_PATTERN = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** GoTrue's `validateEmail`: required, ≤ 255 characters, well-formed; returns it lowercased. */
export function validateEmail(email: string): string {
  if (email === '') throw badRequest('validation_failed', 'An email address is required');
  if (email.length > 255) throw badRequest('validation_failed', 'An email address is too long');
  if (!EMAIL_PATTERN.test(email)) {
    throw badRequest('validation_failed', 'Unable to validate email address: invalid format');
  }
  return email.toLowerCase();
}

/** GoTrue's `validatePhone`: E.164 digits (a leading `+` and spaces/dashes are dropped). */
export function validatePhone(phone: string): string {
  const digits = phone.replace(/[\s\-()+]/g, '');
  if (!/^[1-9]\d{7,14}$/.test(digits)) {
    throw badRequest('validation_failed', 'Invalid phone number format (E.164 required)');
  }
  return digits;
}

const UUID_PATTERN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Whether `value` parses as a UUID the way gofrs/uuid's `FromString` accepts canonical forms. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** A UUID in canonical lowercase form. */
export function canonicalUuid(value: string): string {
  const hex = value.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** PKCE parameters after validation. */
export type Pkce = { challenge: string; method: 's256' | 'plain' } | undefined;

/** GoTrue's `validatePKCEParams`: both or neither; 43–128 chars of `[A-Za-z0-9._~-]`; method s256/plain. */
export function validatePkce(challenge: string, method: string): Pkce {
  if ((challenge === '') !== (method === '')) {
    throw badRequest('validation_failed', 'PKCE flow requires code_challenge_method and code_challenge');
  }
  if (challenge === '') return undefined;
  if (challenge.length < 43 || challenge.length > 128) {
    throw badRequest('validation_failed', 'code challenge has to be between 43 and 128 characters');
  }
  if (!/^[a-zA-Z._~0-9-]+$/.test(challenge)) {
    throw badRequest('validation_failed', 'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes');
  }
  const normalized = method.toLowerCase();
  if (normalized !== 's256' && normalized !== 'plain') {
    throw badRequest('validation_failed', `code challenge method ${method} not supported`);
  }
  return { challenge, method: normalized };
}

const LOCALHOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** GoTrue's `IsRedirectURLValid`: the site URL's origin, a loopback address, or an allow-listed pattern. */
export function isRedirectUrlValid(config: AuthConfig, redirect: string): boolean {
  if (redirect === '') return false;
  const base = parseUrl(config.siteUrl);
  const ref = parseUrl(redirect);
  if (!base || !ref) return false;
  const host = ref.hostname;
  if (base.hostname === host && base.protocol === ref.protocol && (base.port === ref.port || LOCALHOSTS.has(host))) {
    return true;
  }
  const isHttp = ref.protocol === 'http:' || ref.protocol === 'https:';
  if (/^[0-9]+$/.test(host)) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return host.startsWith('127.');
  if (host.startsWith('[')) return host === '[::1]';
  if (isHttp && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(host)) return false;
  const withoutFragment = redirect.split('#')[0]!;
  return config.redirectAllowList.some((pattern) => pattern.test(withoutFragment));
}

/** GoTrue's `GetReferrer`: an allowed `redirect_to` (header or query), else an allowed Referer, else the site URL. */
export function referrer(config: AuthConfig, req: AuthRequest): string {
  const requested = req.header('redirect_to') || req.query.get('redirect_to') || '';
  if (isRedirectUrlValid(config, requested)) return requested;
  const referer = req.header('referer');
  if (isRedirectUrlValid(config, referer)) return referer;
  return config.siteUrl;
}
