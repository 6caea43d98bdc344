/**
 * GoTrue's password rules: at most 72 bytes (bcrypt), at least `minimum_password_length` bytes, and one
 * character of each required set. Failures are the `weak_password` error supabase-js turns into
 * `AuthWeakPasswordError` with `reasons`.
 */
import { badRequest, weakPassword, type ApiError } from '../http/errors.ts';
import { BCRYPT_MAX_BYTES } from './bcrypt-pool.ts';

/** Rules from `[auth] minimum_password_length` and `password_requirements`. */
export interface PasswordRules {
  minLength: number;
  requiredCharacterSets: string[];
}

/** The error a password earns, or undefined when it passes. */
export function checkPasswordStrength(password: string, rules: PasswordRules): ApiError | undefined {
  const bytes = Buffer.byteLength(password);
  if (bytes > BCRYPT_MAX_BYTES) {
    return badRequest('validation_failed', `Password cannot be longer than ${BCRYPT_MAX_BYTES} characters`);
  }
  const reasons: string[] = [];
  const messages: string[] = [];
  if (bytes < rules.minLength) {
    reasons.push('length');
    messages.push(`Password should be at least ${rules.minLength} characters.`);
  }
  for (const set of rules.requiredCharacterSets) {
    // Code points, as GoTrue compares runes.
    if (set !== '' && !Array.from(set).some((ch) => password.includes(ch))) {
      reasons.push('characters');
      messages.push(`Password should contain at least one character of each: ${rules.requiredCharacterSets.join(', ')}.`);
      break;
    }
  }
  return reasons.length > 0 ? weakPassword(messages.join(' '), reasons) : undefined;
}
