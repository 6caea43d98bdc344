/**
 * Notices the backend itself sends (not Auth's own mails): e.g. "your business was approved". They go
 * out over SMTP with nodemailer, configured by function secrets, so production uses a real provider:
 *
 * - `SMTP_HOST`, `SMTP_PORT` (default 465, TLS from the first byte; any other port uses STARTTLS when
 *   the server offers it — hosted Edge Functions may not connect to ports 25 and 587, so use 465 or a
 *   provider's 2525 there), `SMTP_USER`, `SMTP_PASS` (both optional), `SMTP_SENDER` (`Name <address>`
 *   or an address; default `Backend Kit <no-reply@example.com>`).
 * - Without `SMTP_HOST`, locally: the mailbox's SMTP is found by the Supabase CLI's layout — API port
 *   + 4 on this machine (54321 → 54325), or Mailpit's `inbucket:1025` inside `supabase start`'s network
 *   (`SUPABASE_URL` `http://kong:8000`). Anywhere else notices are logged and skipped.
 *
 * Notices use the same layout as Auth's templates (`mail-layout.ts`) and carry an `X-Tags` header with
 * their kind. Sending never fails the request that caused it: the caller learns whether it went out.
 */
import nodemailer from 'nodemailer';
import { mailLayout } from './mail-layout.ts';

/** A plain notice. */
export interface Notice {
  to: string;
  subject: string;
  text: string;
}

/** Where notices go. */
export interface SmtpSettings {
  host: string;
  port: number;
  user: string;
  pass: string;
  sender: string;
}

const DEFAULT_SENDER = 'Backend Kit <no-reply@example.com>';

/** The SMTP server for notices, or undefined when none is configured or found. */
export function smtpSettings(): SmtpSettings | undefined {
  const env = (name: string): string => Deno.env.get(name) ?? '';
  const sender = env('SMTP_SENDER') || DEFAULT_SENDER;
  const host = env('SMTP_HOST');
  if (host) {
    const port = Number(env('SMTP_PORT') || 465);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      console.error(`SMTP_PORT=${env('SMTP_PORT')} is not a port number`);
      return undefined;
    }
    return { host, port, user: env('SMTP_USER'), pass: env('SMTP_PASS'), sender };
  }
  const api = env('SUPABASE_URL');
  if (!api) return undefined;
  const url = new URL(api);
  if (url.hostname === 'kong') return { host: 'inbucket', port: 1025, user: '', pass: '', sender };
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) || !url.port) return undefined;
  return { host: url.hostname === '[::1]' ? '::1' : url.hostname, port: Number(url.port) + 4, user: '', pass: '', sender };
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);

/** The HTML of a notice: its paragraphs in the project's mail layout. */
export function noticeHtml(notice: Notice): string {
  return mailLayout(
    notice.subject,
    notice.text
      .split('\n\n')
      .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
      .join('\n'),
  );
}

/** The part of nodemailer's transport used here (the npm package ships no types for Deno). */
interface Transport {
  sendMail(message: Record<string, unknown>): Promise<unknown>;
}

let cached: { key: string; transport: Transport } | undefined;

function transportFor(settings: SmtpSettings): Transport {
  const key = JSON.stringify(settings);
  if (cached?.key !== key) {
    const local = ['127.0.0.1', 'localhost', '::1', 'inbucket'].includes(settings.host);
    cached = {
      key,
      transport: (nodemailer as { createTransport(options: Record<string, unknown>): Transport }).createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.port === 465,
        ...(settings.user ? { auth: { user: settings.user, pass: settings.pass } } : {}),
        ...(local ? { ignoreTLS: true } : {}),
        connectionTimeout: 5000,
        greetingTimeout: 5000,
        socketTimeout: 10_000,
      }),
    };
  }
  return cached.transport;
}

/** Sends a notice; true when the SMTP server accepted it. */
export async function sendNotice(notice: Notice, type = 'notice'): Promise<boolean> {
  const settings = smtpSettings();
  if (!settings) {
    console.warn(`notice to ${notice.to} not sent: no SMTP server configured (SMTP_HOST)`);
    return false;
  }
  try {
    await transportFor(settings).sendMail({
      from: settings.sender,
      to: notice.to,
      subject: notice.subject,
      text: notice.text,
      html: noticeHtml(notice),
      headers: { 'X-Tags': type },
    });
    return true;
  } catch (error) {
    console.error(`notice to ${notice.to} not sent: ${error instanceof Error ? error.message : error}`);
    return false;
  }
}
