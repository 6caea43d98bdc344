/**
 * Notices the backend itself sends (not Auth's own mails): e.g. "your business was approved". They go
 * to the mailbox HTTP API the local stack runs (`POST /api/v1/messages`, the stand-in for SMTP +
 * Mailpit), at `SUPABASE_MAILBOX_URL` — or, when that is not set and the API runs on this machine, at
 * the Supabase CLI's port layout (API port + 3, e.g. 54321 → 54324). Elsewhere (hosted) set
 * `SUPABASE_MAILBOX_URL` to a service with the same API, or notices are logged and skipped. Sending
 * never fails the request that caused it: the caller learns whether it went out.
 */

/** A plain notice. */
export interface Notice {
  to: string;
  subject: string;
  text: string;
}

/** Where notices go, or undefined when no mailbox is configured. */
export function mailboxUrl(): string | undefined {
  const configured = Deno.env.get('SUPABASE_MAILBOX_URL') ?? Deno.env.get('MAILBOX_URL');
  if (configured) return configured.replace(/\/+$/, '');
  const api = Deno.env.get('SUPABASE_URL');
  if (!api) return undefined;
  const url = new URL(api);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) || !url.port) return undefined;
  return `${url.protocol}//${url.hostname}:${Number(url.port) + 3}`;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Sends a notice; true when the mailbox accepted it. */
export async function sendNotice(notice: Notice, type = 'notice'): Promise<boolean> {
  const base = mailboxUrl();
  if (!base) {
    console.warn(`notice to ${notice.to} not sent: no mailbox configured (SUPABASE_MAILBOX_URL)`);
    return false;
  }
  const html = notice.text.split('\n\n').map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  try {
    const response = await fetch(`${base}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: notice.to, subject: notice.subject, text: notice.text, html, links: [], type }),
      signal: AbortSignal.timeout(5000),
    });
    await response.body?.cancel();
    if (!response.ok) console.error(`notice to ${notice.to}: mailbox answered ${response.status}`);
    return response.ok;
  } catch (error) {
    console.error(`notice to ${notice.to} not sent: ${error instanceof Error ? error.message : error}`);
    return false;
  }
}
