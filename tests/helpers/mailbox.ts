/**
 * The mailbox over Mailpit's message API (`/api/v1/search?query=to:…`, `/api/v1/message/{ID}`), which
 * the local mailbox and `supabase start`'s Mailpit both answer: the messages Auth and the functions
 * sent to an address, and the one way every suite confirms an e-mail address — following the link (or
 * code) the mailbox owner received, as a person would. E-mail confirmations are on, so a user signed
 * up by a test has no session until this runs. Links, codes and the kind of each mail are read from
 * the message itself (its `X-Tags` tag, else the `type` of its Auth link), not from extensions of the
 * local mailbox.
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

/** Mailpit's `Message`, the fields read here. */
interface MailpitMessage {
  ID: string;
  To: { Address: string }[];
  Subject: string;
  Text: string;
  HTML: string;
  Tags: string[] | null;
}

// A link ends before whitespace, quotes or brackets, and never on sentence punctuation.
const LINK_PATTERN = /https?:\/\/[^\s"'<>]*[^\s"'<>.,;:!?)]/g;
const decodeEntities = (s: string): string =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#39;/g, "'");

/** A Mailpit message with its links, one-time codes and kind. */
export function fromMailpit(message: MailpitMessage, to: string): MailboxMessage {
  const links = [...new Set([...(message.Text.match(LINK_PATTERN) ?? []), ...(decodeEntities(message.HTML).match(LINK_PATTERN) ?? [])])];
  const codeText = message.Text.replace(LINK_PATTERN, ' ').replace(/\S+@\S+/g, ' ');
  const otps = [...new Set(codeText.match(/\b\d{6,10}\b/g) ?? [])];
  const verify = links.find((l) => l.includes('/verify?'));
  const type = message.Tags?.[0] ?? (verify ? (new URL(verify).searchParams.get('type') ?? '') : '');
  return { id: message.ID, to, subject: message.Subject, text: message.Text, html: message.HTML, links, otps, type };
}

/** Messages to `email` (any case), newest first. */
export async function mailTo(email: string): Promise<MailboxMessage[]> {
  const to = email.toLowerCase();
  const query = encodeURIComponent(`to:"${to}"`);
  const response = await fetch(`${stack.mailboxUrl}/api/v1/search?query=${query}&limit=500`);
  if (!response.ok) throw new Error(`mailbox search answered ${response.status}`);
  const { messages } = (await response.json()) as { messages: { ID: string; To: { Address: string }[] }[] };
  // Mailpit's `to:` matches part of an address; keep the exact recipient's.
  const mine = messages.filter((m) => m.To.some((a) => a.Address.toLowerCase() === to));
  return Promise.all(
    mine.map(async (summary) => {
      const one = await fetch(`${stack.mailboxUrl}/api/v1/message/${encodeURIComponent(summary.ID)}`);
      if (!one.ok) throw new Error(`mailbox message ${summary.ID} answered ${one.status}`);
      return fromMailpit((await one.json()) as MailpitMessage, to);
    }),
  );
}

/** Waits for the `count`-th message to `email` (optionally of one type) and returns the newest. */
export async function waitForMail(email: string, type?: string, count = 1, timeoutMs = 10_000): Promise<MailboxMessage> {
  let found: MailboxMessage[] = [];
  await eventually(
    async () => {
      found = (await mailTo(email)).filter((m) => !type || m.type === type);
      return found.length >= count;
    },
    timeoutMs,
    `mail ${type ?? ''} to ${email}`,
  );
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
