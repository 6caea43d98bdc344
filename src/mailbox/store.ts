/**
 * The mailbox's in-memory store: messages newest first, with the links and one-time codes of each
 * extracted so a test (or a person) can follow them without parsing HTML.
 */
import { randomUUID } from 'node:crypto';

/** A message as delivered by the auth server. */
export interface IncomingMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  links?: string[];
  otp?: string;
  type?: string;
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
  type: string;
  receivedAt: string;
}

const LINK_PATTERN = /https?:\/\/[^\s"'<>]+/g;
const OTP_PATTERN = /\b\d{6,10}\b/g;

const decodeEntities = (s: string): string =>
  s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");

/** Links and codes of a message, declared ones first, without duplicates. */
export function extract(message: IncomingMessage): { links: string[]; otps: string[] } {
  const links = new Set<string>(message.links ?? []);
  for (const match of message.text.match(LINK_PATTERN) ?? []) links.add(match);
  for (const match of decodeEntities(message.html).match(LINK_PATTERN) ?? []) links.add(match);
  const otps = new Set<string>(message.otp ? [message.otp] : []);
  const textWithoutLinks = message.text.replace(LINK_PATTERN, ' ');
  for (const match of textWithoutLinks.match(OTP_PATTERN) ?? []) otps.add(match);
  return { links: [...links], otps: [...otps] };
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

/** Messages in memory, capped so a long-running dev stack does not grow without bound. */
export class MessageStore {
  private messages: StoredMessage[] = [];

  constructor(private readonly limit = 5000) {}

  /** Stores a message and returns it. */
  add(message: IncomingMessage): StoredMessage {
    const { links, otps } = extract(message);
    const stored: StoredMessage = {
      id: randomUUID(),
      to: message.to.toLowerCase(),
      subject: message.subject,
      html: message.html,
      text: message.text,
      links,
      otps,
      type: message.type ?? '',
      receivedAt: new Date().toISOString(),
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

  /** One message by id. */
  get(id: string): StoredMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }

  /** Deletes every message, or those to one address; returns how many. */
  clear(to?: string): number {
    const before = this.messages.length;
    if (!to) this.messages = [];
    else this.messages = this.messages.filter((m) => m.to !== to.toLowerCase());
    return before - this.messages.length;
  }
}
