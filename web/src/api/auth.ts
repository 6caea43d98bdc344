/** Sign-up, sign-in, e-mailed links and password reset through `kit.auth` (and supabase-js for the magic link). */
import type { KitClient, RegistrationInput } from '@kit/sdk';
import { errorFromAuth } from '@kit/sdk';

const here = (path: string) => `${window.location.origin}${path}`;

export const signIn = (kit: KitClient, email: string, password: string) => kit.auth.signIn({ email, password });

export const signUp = (kit: KitClient, input: RegistrationInput) => kit.auth.signUp(input, { emailRedirectTo: here('/auth/confirm') });

/** E-mails a one-time sign-in link (supabase-js: the SDK has no wrapper for it). */
export async function sendMagicLink(kit: KitClient, email: string) {
  const { error } = await kit.supabase.auth.signInWithOtp({ email, options: { shouldCreateUser: false, emailRedirectTo: here('/auth/confirm') } });
  return error ? { data: null, error: errorFromAuth(error) } : { data: true as const, error: null };
}

/** Follows an e-mailed link: its token hash and type, as the confirmation page receives them. */
export async function verifyLink(kit: KitClient, tokenHash: string, type: 'signup' | 'magiclink' | 'email' | 'invite') {
  const { data, error } = await kit.supabase.auth.verifyOtp({ token_hash: tokenHash, type });
  return error ? { data: null, error: errorFromAuth(error) } : { data, error: null };
}

export const requestPasswordReset = (kit: KitClient, email: string) => kit.auth.requestPasswordReset({ email, redirect_to: here('/reset-password') });

export const completePasswordReset = (kit: KitClient, tokenHash: string | undefined, password: string) =>
  kit.auth.completePasswordReset({ ...(tokenHash ? { token_hash: tokenHash } : {}), password, password_confirmation: password });

export const joinWaitlist = (kit: KitClient, email: string, idempotencyKey: string) => kit.auth.joinWaitlist({ email, source: 'web' }, { idempotencyKey });
