/**
 * Auth's outgoing mail: renders the confirmation, invite, recovery, magic-link, e-mail-change and
 * reauthentication messages from their templates (`templates.ts`) and sends them over SMTP with
 * nodemailer, as GoTrue does: to `[auth.email.smtp]` when it is enabled (a real provider), otherwise
 * to the local mailbox's SMTP port (`[local_smtp] smtp_port`, as `supabase start` points GoTrue at
 * Mailpit), from `admin_email` / `sender_name`. Each message carries an `X-Tags` header with its kind
 * (`signup`, `recovery`, …), which the mailbox (and Mailpit) shows as the message's tag.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { parse } from 'smol-toml';
import { projectRoot, supabaseDir, type StackConfig } from '../../stack/config.ts';
import { htmlToText, loadMailTemplates, renderTemplate, type MailTemplates, type TemplateData, type TemplateKind } from './templates.ts';

/** Kinds of e-mail, named after GoTrue's verification types. */
export type MailType = 'signup' | 'invite' | 'recovery' | 'magiclink' | 'email_change' | 'reauthentication';

/** The template of each kind of mail. */
const TEMPLATE_OF: Record<MailType, TemplateKind> = {
  signup: 'confirmation',
  invite: 'invite',
  recovery: 'recovery',
  magiclink: 'magic_link',
  email_change: 'email_change',
  reauthentication: 'reauthentication',
};

/** A rendered message. */
export interface MailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  type: MailType;
}

/** Where and how Auth's mail goes. */
export interface MailSettings {
  smtp: { host: string; port: number; user: string; pass: string; secure: boolean };
  /** The From address and name (`admin_email`, `sender_name`). */
  sender: { address: string; name: string };
  siteUrl: string;
  templates: MailTemplates;
}

type Table = Record<string, unknown>;
const table = (value: unknown): Table => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : {});
/** A config string, with `env(NAME)` resolved as the CLI does. */
const setting = (t: Table, key: string, fallback: string): string => {
  const value = t[key];
  if (typeof value !== 'string' || value === '') return fallback;
  const variable = /^env\(([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(value)?.[1];
  return variable ? (process.env[variable] ?? fallback) : value;
};

/**
 * Reads `[auth.email.smtp]`, `[local_smtp]` and the templates from `supabase/config.toml`. Throws with
 * a message naming the key (and file) when a template file is missing or `[auth.email.smtp]` lacks a
 * field the CLI requires.
 */
export function loadMailSettings(stack: StackConfig, configFile = path.join(supabaseDir, 'config.toml')): MailSettings {
  const toml = parse(readFileSync(configFile, 'utf8')) as Table;
  const local = table(toml.local_smtp);
  const smtp = table(table(table(toml.auth).email).smtp);
  const templates = loadMailTemplates(toml, projectRoot);
  if (smtp.enabled === true) {
    const port = typeof smtp.port === 'number' ? smtp.port : Number(setting(smtp, 'port', '0'));
    for (const [key, missing] of [
      ['host', !setting(smtp, 'host', '')],
      ['port', !port],
      ['user', !setting(smtp, 'user', '')],
      ['pass', !setting(smtp, 'pass', '')],
      ['admin_email', !setting(smtp, 'admin_email', '')],
    ] as const) {
      if (missing) throw new Error(`Missing required field in config: auth.email.smtp.${key}`);
    }
    return {
      smtp: { host: setting(smtp, 'host', ''), port, user: setting(smtp, 'user', ''), pass: setting(smtp, 'pass', ''), secure: port === 465 },
      sender: { address: setting(smtp, 'admin_email', ''), name: setting(smtp, 'sender_name', '') },
      siteUrl: stack.auth.siteUrl,
      templates,
    };
  }
  return {
    smtp: { host: '127.0.0.1', port: stack.ports.smtp, user: '', pass: '', secure: false },
    sender: { address: setting(local, 'admin_email', 'admin@email.com'), name: setting(local, 'sender_name', 'Admin') },
    siteUrl: stack.auth.siteUrl,
    templates,
  };
}

/** What a flow knows about one mail. */
export interface MailInput {
  to: string;
  /** The action link (`…/verify?token=…`); empty for reauthentication. */
  confirmationUrl: string;
  token: string;
  tokenHash: string;
  redirectTo: string;
  /** The user's current address (`{{ .Email }}`). */
  email: string;
  /** The new address of an e-mail change (`{{ .NewEmail }}`). */
  newEmail?: string;
  /** The user's metadata (`{{ .Data }}`). */
  data?: Record<string, unknown>;
}

/** Renders one kind of mail from its template. */
export function composeMail(settings: Pick<MailSettings, 'templates' | 'siteUrl'>, type: MailType, input: MailInput): MailMessage {
  const template = settings.templates[TEMPLATE_OF[type]];
  const data: TemplateData = {
    ConfirmationURL: input.confirmationUrl,
    Token: input.token,
    TokenHash: input.tokenHash,
    SiteURL: settings.siteUrl,
    Email: input.email,
    NewEmail: input.newEmail ?? '',
    RedirectTo: input.redirectTo,
    Data: input.data ?? {},
  };
  const html = renderTemplate(template.body, data);
  return { to: input.to, subject: template.subject, html, text: htmlToText(html), type };
}

/** Sends Auth's mail over SMTP. */
export class Mailer {
  private readonly transport: Transporter;

  constructor(readonly settings: MailSettings) {
    const { smtp } = settings;
    this.transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass } } : {}),
      // The local mailbox speaks plain SMTP on loopback; a provider gets STARTTLS when it offers it.
      ...(smtp.host === '127.0.0.1' ? { ignoreTLS: true } : {}),
      pool: true,
      maxConnections: 4,
      connectionTimeout: 5000,
      greetingTimeout: 5000,
      socketTimeout: 10_000,
    });
  }

  /** Renders and sends one kind of mail; throws when the SMTP server does not accept it. */
  async send(type: MailType, input: MailInput): Promise<void> {
    const message = composeMail(this.settings, type, input);
    await this.transport.sendMail({
      from: { name: this.settings.sender.name, address: this.settings.sender.address },
      to: message.to,
      subject: message.subject,
      html: message.html,
      text: message.text,
      headers: { 'X-Tags': message.type },
    });
  }

  /** Closes pooled SMTP connections. */
  close(): void {
    this.transport.close();
  }
}
