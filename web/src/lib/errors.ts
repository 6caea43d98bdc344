/**
 * The SDK's stable error codes in words. Pages show `describeError(error)`; the code itself is kept in
 * `data-code` so support can ask for it.
 */
import type { SdkError } from '@kit/sdk';

const WORDS: Record<string, string> = {
  invalid_credentials: 'The e-mail or password is wrong.',
  email_not_confirmed: 'Confirm your e-mail address first: follow the link we sent you.',
  validation_failed: 'Some fields need a fix.',
  unauthorized: 'Please sign in again.',
  forbidden: 'You are not allowed to do that.',
  not_found: 'It no longer exists, or you cannot see it.',
  insufficient_points: 'Your balance is too low: buy points first.',
  insufficient_balance: 'Your balance is too low for that.',
  price_changed: 'The price changed since you opened the page: check the new price and try again.',
  tool_not_available: 'This tool is not available right now.',
  rate_limited: 'Too many attempts: wait a moment and try again.',
  over_email_send_rate_limit: 'Too many e-mails were sent: wait a moment and try again.',
  user_already_exists: 'An account with this e-mail already exists.',
  email_exists: 'An account with this e-mail already exists.',
  weak_password: 'Choose a stronger password.',
  otp_expired: 'The link has expired or was used already: ask for a new one.',
  voucher_not_found: 'No voucher has this code.',
  voucher_expired: 'This voucher has expired.',
  voucher_exhausted: 'This voucher has no uses left.',
  voucher_inactive: 'This voucher is no longer active.',
  payments_not_configured: 'Payments are not set up on this server.',
  network_error: 'We could not reach the server: check your connection.',
  relay_error: 'The server is busy: try again in a moment.',
  conflict: 'Someone changed this at the same time: reload and try again.',
  already_reviewed: 'You already rated this use.',
  refund_window_closed: 'The time to ask for a refund has passed.',
};

export function describeError(error: Pick<SdkError, 'code' | 'message'>): string {
  return WORDS[error.code] ?? (error.message || 'Something went wrong.');
}

/** Field errors of a `validation_failed` answer, one message per field. */
export function fieldErrors(error: SdkError | null | undefined): Record<string, string> {
  const details = error?.details as { fieldErrors?: Record<string, string[] | undefined> } | undefined;
  const out: Record<string, string> = {};
  for (const [field, messages] of Object.entries(details?.fieldErrors ?? {})) {
    if (messages?.[0]) out[field] = messages[0];
  }
  return out;
}
