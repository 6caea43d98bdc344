/**
 * The mailbox's in-memory store: messages newest first, with the links and one-time codes of each
 * extracted so a test (or a person) can follow them without parsing HTML. Each message is served in
 * two shapes at once: the project's own (`id`, `to`, `links`, `otps`, `type`, …) and Mailpit's
 * (`ID`, `From`, `To`, `Subject`, `Created`, `Tags`, `Snippet`, and `Text`/`HTML` in the detail), so a
 * client written against `supabase start`'s Mailpit reads this mailbox unchanged.
 */
import { randomUUID } from 'node:crypto';

/** A message as delivered over the HTTP API or parsed from SMTP. */
export interface IncomingMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  links?: string[];
  otp?: string;
  type?: string;
  /** Envelope or header sender; empty for HTTP deliveries. */
  from?: { name: string; address: string };
  /** All recipients (To), when SMTP delivered one message to several. */
  recipients?: { name: string; address: string }[];
  /** Mailpit tags (`X-Tags` header). */
  tags?: string[];
  messageId?: string;
  size?: number;
  date?: string;
}

/** A stored message. */
export interface StoredMessage {
  id: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Every http(s) link of the message: the declared ones first, then any found in text or HTML. */
  links: string[];
  /** One-time codes: the declared one, else 6–10 digit codes found in the text. */
  otps: string[];
  /** The sender's kind of mail: Auth's verification type (`signup`, `recovery`, …) or a notice tag. */
  type: string;
  receivedAt: string;
  from: { name: string; address: string };
  recipients: { name: string; address: string }[];
  tags: string[];
  messageId: string;
  size: number;
  date: string;
  read: boolean;
}

// A link ends before whitespace, quotes or brackets, and never on sentence punctuation.
const LINK_PATTERN = /https?:\/\/[^\s"'<>]*[^\s"'<>.,;:!?)]/g;
const OTP_PATTERN = /\b\d{6,10}\b/g;

const decodeEntities = (s: string): string =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

/** Links and codes of a message, declared ones first, without duplicates. */
export function extract(message: Pick<IncomingMessage, 'text' | 'html' | 'links' | 'otp'>): { links: string[]; otps: string[] } {
  const links = new Set<string>(message.links ?? []);
  for (const match of message.text.match(LINK_PATTERN) ?? []) links.add(match);
  for (const match of decodeEntities(message.html).match(LINK_PATTERN) ?? []) links.add(match);
  const otps = new Set<string>(message.otp ? [message.otp] : []);
  // Links and addresses may hold digit runs (a test's unique address, say) that are no code.
  const textWithoutLinks = message.text.replace(LINK_PATTERN, ' ').replace(/\S+@\S+/g, ' ');
  for (const match of textWithoutLinks.match(OTP_PATTERN) ?? []) otps.add(match);
  return { links: [...links], otps: [...otps] };
}

/**
 * The kind of a mail that does not declare one: a Mailpit tag, else the `type` of an Auth `/verify`
 * link (how GoTrue's links name it), else empty.
 */
export function inferType(tags: string[], links: string[]): string {
  if (tags[0]) return tags[0];
  for (const link of links) {
    if (!link.includes('/verify?')) continue;
    const type = new URL(link).searchParams.get('type');
    if (type) return type;
  }
  return '';
}

/** Validates a delivery body; returns an error text or the message. */
export function parseIncoming(body: unknown): IncomingMessage | string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'body must be a JSON object';
  const b = body as Record<string, unknown>;
  for (const key of ['to', 'subject'] as const) {
    if (typeof b[key] !== 'string' || b[key] === '') return `"${key}" must be a non-empty string`;
  }
  for (const key of ['html', 'text', 'otp', 'type'] as const) {
    if (b[key] !== undefined && typeof b[key] !== 'string') return `"${key}" must be a string`;
  }
  if (b.links !== undefined && (!Array.isArray(b.links) || b.links.some((l) => typeof l !== 'string'))) {
    return '"links" must be an array of strings';
  }
  return {
    to: b.to as string,
    subject: b.subject as string,
    html: (b.html as string | undefined) ?? '',
    text: (b.text as string | undefined) ?? '',
    ...(b.links ? { links: b.links as string[] } : {}),
    ...(b.otp ? { otp: b.otp as string } : {}),
    ...(b.type ? { type: b.type as string } : {}),
  };
}

const address = (a: { name: string; address: string }) => ({ Name: a.name, Address: a.address });

/** Mailpit's `MessageSummary` fields of a message. */
function mailpitSummary(m: StoredMessage): Record<string, unknown> {
  return {
    ID: m.id,
    MessageID: m.messageId,
    Read: m.read,
    From: address(m.from),
    To: m.recipients.map(address),
    Cc: [],
    Bcc: [],
    ReplyTo: [],
    Subject: m.subject,
    Created: m.receivedAt,
    Username: '',
    Tags: m.tags,
    Size: m.size,
    Attachments: 0,
    Snippet: m.text.replace(/\s+/g, ' ').trim().slice(0, 250),
  };
}

/** A message as listed: the project's fields plus Mailpit's summary. */
export function listed(m: StoredMessage): Record<string, unknown> {
  return { ...m, ...mailpitSummary(m) };
}

/** A message in full: the project's fields plus Mailpit's `Message` (with `Text`, `HTML`). */
export function detailed(m: StoredMessage): Record<string, unknown> {
  return {
    ...m,
    ...mailpitSummary(m),
    ReturnPath: m.from.address,
    Date: m.date,
    Text: m.text,
    HTML: m.html,
    ListUnsubscribe: { Header: '', Links: [], Errors: '', HeaderPost: '' },
    Inline: [],
    Attachments: [],
  };
}

/**
 * Mailpit's search (`/api/v1/search?query=`): space-separated terms, all of which must match;
 * `to:`, `from:`, `subject:`, `tag:`, `is:read`/`is:unread`, a leading `!` negates, quotes group
 * words; a bare term matches sender, recipients, subject or body (case-insensitive substring).
 */
export function matchesQuery(m: StoredMessage, query: string): boolean {
  const terms = query.match(/!?(?:[a-z-]+:)?(?:"[^"]*"|\S+)/gi) ?? [];
  return terms.every((raw) => {
    const negate = raw.startsWith('!');
    const term = negate ? raw.slice(1) : raw;
    const colon = /^([a-z-]+):(.*)$/i.exec(term);
    const field = colon ? colon[1]!.toLowerCase() : '';
    const value = (colon ? colon[2]! : term).replace(/^"|"$/g, '').toLowerCase();
    const has = (s: string) => s.toLowerCase().includes(value);
    const recipients = m.recipients.map((r) => `${r.name} ${r.address}`).join(' ');
    let hit: boolean;
    switch (field) {
      case 'to':
        hit = has(recipients) || has(m.to);
        break;
      case 'from':
        hit = has(`${m.from.name} ${m.from.address}`);
        break;
      case 'subject':
        hit = has(m.subject);
        break;
      case 'tag':
        hit = m.tags.some((t) => t.toLowerCase() === value);
        break;
      case 'is':
        hit = value === 'read' ? m.read : value === 'unread' ? !m.read : false;
        break;
      default:
        hit = [recipients, m.from.address, m.subject, m.text, m.html].some(has);
    }
    return negate ? !hit : hit;
  });
}

/** Messages in memory, capped so a long-running dev stack does not grow without bound. */
export class MessageStore {
  private messages: StoredMessage[] = [];

  constructor(private readonly limit = 5000) {}

  /** Stores a message and returns it. */
  add(message: IncomingMessage): StoredMessage {
    const { links, otps } = extract(message);
    const tags = message.tags ?? (message.type ? [message.type] : []);
    const receivedAt = new Date().toISOString();
    const to = message.to.toLowerCase();
    const stored: StoredMessage = {
      id: randomUUID(),
      to,
      subject: message.subject,
      html: message.html,
      text: message.text,
      links,
      otps,
      type: message.type ?? inferType(tags, links),
      receivedAt,
      from: message.from ?? { name: '', address: '' },
      recipients: message.recipients ?? [{ name: '', address: to }],
      tags,
      messageId: message.messageId ?? '',
      size: message.size ?? Buffer.byteLength(message.html) + Buffer.byteLength(message.text),
      date: message.date ?? receivedAt,
      read: false,
    };
    this.messages.unshift(stored);
    if (this.messages.length > this.limit) this.messages.length = this.limit;
    return stored;
  }

  /** Newest first; only those addressed to `to` (case-insensitive) when given. */
  list(to?: string): StoredMessage[] {
    if (!to) return [...this.messages];
    const wanted = to.toLowerCase();
    return this.messages.filter((m) => m.to === wanted);
  }

  /** Newest first, those matching a Mailpit search query. */
  search(query: string): StoredMessage[] {
    return this.messages.filter((m) => matchesQuery(m, query));
  }

  /** One message by id; `latest` is the newest, as in Mailpit. */
  get(id: string): StoredMessage | undefined {
    if (id === 'latest') return this.messages[0];
    return this.messages.find((m) => m.id === id);
  }

  /** Number of messages in the mailbox. */
  get size(): number {
    return this.messages.length;
  }

  /** Deletes every message, or those to one address; returns how many. */
  clear(to?: string): number {
    const before = this.messages.length;
    if (!to) this.messages = [];
    else this.messages = this.messages.filter((m) => m.to !== to.toLowerCase());
    return before - this.messages.length;
  }

  /** Deletes the messages with these ids (Mailpit's `DELETE /api/v1/messages {IDs}`); returns how many. */
  remove(ids: Set<string>): number {
    const before = this.messages.length;
    this.messages = this.messages.filter((m) => !ids.has(m.id));
    return before - this.messages.length;
  }
}
