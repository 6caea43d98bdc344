/**
 * The local mailbox over its HTTP API (`GET /api/v1/messages?to=`): the messages Auth and the functions
 * sent to an address, and the one way every suite confirms an e-mail address — following the link (or
 * code) the mailbox owner received, as a person would. E-mail confirmations are on, so a user signed
 * up by a test has no session until this runs.
 */
import type { Session, SupabaseClient } from '@supabase/supabase-js';
import { eventually } from './eventually.ts';
import { stack } from './stack.ts';

/** A mailbox message as the mailbox API returns it. */
export interface MailboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  links: string[];
  otps: string[];
  type: string;
}

/** Messages to `email` (any case), newest first. */
export async function mailTo(email: string): Promise<MailboxMessage[]> {
  const response = await fetch(`${stack.mailboxUrl}/api/v1/messages?to=${encodeURIComponent(email.toLowerCase())}`);
  const body = (await response.json()) as { messages: MailboxMessage[] };
  return body.messages;
}

/** Waits for the `count`-th message to `email` (optionally of one type) and returns the newest. */
export async function waitForMail(email: string, type?: string, count = 1, timeoutMs = 10_000): Promise<MailboxMessage> {
  let found: MailboxMessage[] = [];
  await eventually(async () => {
    found = (await mailTo(email)).filter((m) => !type || m.type === type);
    return found.length >= count;
  }, timeoutMs, `mail ${type ?? ''} to ${email}`);
  return found[0]!;
}

/** The `token` (hash) query parameter of a mailed `/verify` link. */
export function tokenHashOf(message: MailboxMessage): string {
  const link = message.links.find((l) => l.includes('/verify?'));
  if (!link) throw new Error(`mail "${message.subject}" to ${message.to} has no verify link`);
  return new URL(link).searchParams.get('token') ?? '';
}

/**
 * Confirms `email` the way its owner does: takes the newest sign-up (or invite) mail from the mailbox
 * and verifies its link on `client`, which is then signed in. Answers the session.
 */
export async function confirmEmail(client: SupabaseClient, email: string, type: 'signup' | 'invite' = 'signup'): Promise<Session> {
  const message = await waitForMail(email, type);
  const { data, error } = await client.auth.verifyOtp({ token_hash: tokenHashOf(message), type });
  if (error || !data.session) throw new Error(`confirming ${email} failed: ${error?.message ?? 'no session'}`);
  return data.session;
}
