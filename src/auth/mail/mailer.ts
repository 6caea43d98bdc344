/**
 * Outgoing mail: builds the confirmation, invite, recovery, magic-link and e-mail-change messages and
 * delivers them to the local mailbox over HTTP (the stand-in for SMTP + Mailpit). Every message carries
 * its action link and code explicitly, so tests and people can follow it without parsing HTML.
 */

/** Kinds of e-mail, named after GoTrue's verification types. */
export type MailType = 'signup' | 'invite' | 'recovery' | 'magiclink' | 'email_change' | 'reauthentication';

/** What the mailbox receives. */
export interface MailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  links: string[];
  otp?: string;
  type: MailType;
}

const TEMPLATES: Record<MailType, { subject: string; intro: string; action: string }> = {
  signup: {
    subject: 'Confirm your signup',
    intro: 'Follow this link to confirm your e-mail address:',
    action: 'Confirm your e-mail',
  },
  invite: {
    subject: 'You have been invited',
    intro: 'You have been invited to create an account. Follow this link to accept the invitation:',
    action: 'Accept the invite',
  },
  recovery: {
    subject: 'Reset your password',
    intro: 'Follow this link to reset the password of your account:',
    action: 'Reset password',
  },
  magiclink: {
    subject: 'Your magic link',
    intro: 'Follow this link to sign in:',
    action: 'Sign in',
  },
  email_change: {
    subject: 'Confirm e-mail change',
    intro: 'Follow this link to confirm the change of your e-mail address:',
    action: 'Change e-mail',
  },
  reauthentication: {
    subject: 'Confirm reauthentication',
    intro: 'Enter this code to confirm it is you:',
    action: '',
  },
};

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Builds a message with the action link and, when given, the one-time code. */
export function composeMail(type: MailType, to: string, link: string, otp?: string): MailMessage {
  const t = TEMPLATES[type];
  const codeLine = otp ? `Alternatively, enter the code: ${otp}` : '';
  const text = [t.intro, link, codeLine].filter(Boolean).join('\n\n');
  const html =
    `<h2>${escapeHtml(t.subject)}</h2>\n<p>${escapeHtml(t.intro)}</p>\n` +
    (link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(t.action)}</a></p>\n` : '') +
    (otp ? `<p>${link ? 'Alternatively, enter the code' : 'Code'}: <strong>${escapeHtml(otp)}</strong></p>\n` : '');
  return { to, subject: t.subject, html, text, links: link ? [link] : [], ...(otp ? { otp } : {}), type };
}

/** Delivers messages to the mailbox at `baseUrl`. */
export class Mailer {
  constructor(private readonly baseUrl: string) {}

  /** Posts one message; throws when the mailbox does not accept it. */
  async send(message: MailMessage): Promise<void> {
    const response = await fetch(`${this.baseUrl}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`mailbox answered ${response.status}`);
    await response.arrayBuffer();
  }
}
