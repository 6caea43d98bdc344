/**
 * The local mailbox (the project's stand-in for the CLI's Mailpit): SMTP in, HTTP out.
 *
 * SMTP (`startSmtp`, on the CLI's `smtp_port`, 54325): any sender, any recipient, no authentication
 * required (credentials are accepted and ignored, as Mailpit does by default); each message is parsed
 * and stored once per envelope recipient. `X-Tags` becomes the message's tags, as in Mailpit.
 *
 * HTTP, Mailpit's message API:
 * - `GET /api/v1/messages[?start&limit]` — `{total, unread, count, messages_count, start, tags, messages}`;
 * - `GET /api/v1/message/<ID|latest>` — one message with `Text` and `HTML`;
 * - `GET /api/v1/search?query=to:<email>…[&start&limit]` — as the list, only matching messages;
 * - `DELETE /api/v1/messages` with `{"IDs": […]}` (or no body: all) and `DELETE /api/v1/search?query=`.
 * Every message object also carries the project's own fields (`id`, `to`, `links`, `otps`, `type`, …),
 * and these extensions stay:
 * - `POST /api/v1/messages` — delivery over HTTP: `{to, subject, html, text, links[], otp?, type}`;
 * - `GET /api/v1/messages?to=<email>` — only that recipient's (then `total` counts those);
 * - `GET /api/v1/messages/<id>` — one message;
 * - `DELETE /api/v1/messages?to=<email>` — clear one recipient's;
 * - `GET /health`; `GET /` — a plain HTML list for people.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { detailed, listed, MessageStore, parseIncoming, type StoredMessage } from './store.ts';

const MAX_BODY = 1 << 20;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Access-Control-Allow-Origin': '*',
  });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function indexPage(messages: StoredMessage[], to: string): string {
  const rows = messages
    .map(
      (m) => `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to)}</td><td>${escapeHtml(m.subject)}</td>
<td>${m.links.map((l) => `<a href="${escapeHtml(l)}">${escapeHtml(m.type || 'link')}</a>`).join('<br>')}</td>
<td>${m.otps.map(escapeHtml).join('<br>')}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Local mailbox</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}</style></head>
<body><h1>Local mailbox</h1>
<form method="get"><label>Recipient <input name="to" value="${escapeHtml(to)}"></label> <button>Filter</button></form>
<p>${messages.length} message(s). Mail from the local auth server lands here; nothing leaves this machine.</p>
<table><thead><tr><th>Received</th><th>To</th><th>Subject</th><th>Links</th><th>Codes</th></tr></thead>
<tbody>${rows}</tbody></table></body></html>`;
}

/** Mailpit's `MessagesSummary` page of `matched` (`start`, `limit` as Mailpit reads them; limit 0: all). */
function page(matched: StoredMessage[], url: URL, total: number, store: MessageStore, defaultLimit: number): Record<string, unknown> {
  const start = Math.max(0, Number.parseInt(url.searchParams.get('start') ?? '0', 10) || 0);
  const limitParam = url.searchParams.get('limit');
  const limit = limitParam === null ? defaultLimit : Math.max(0, Number.parseInt(limitParam, 10) || 0);
  const messages = matched.slice(start, limit === 0 ? undefined : start + limit);
  const all = store.list();
  return {
    total,
    unread: all.filter((m) => !m.read).length,
    count: messages.length,
    messages_count: matched.length,
    messages_unread: matched.filter((m) => !m.read).length,
    start,
    tags: [...new Set(all.flatMap((m) => m.tags))].sort(),
    messages: messages.map(listed),
  };
}

/** What a request gets: JSON with a status, or the HTML index page. */
type Answer = { status: number; body: unknown } | { html: string };

const reply = (status: number, body: unknown): Answer => ({ status, body });

/** Answers one request of the Mailpit-shaped API (or the index page) from `store`. */
async function answer(req: http.IncomingMessage, url: URL, store: MessageStore): Promise<Answer> {
  const to = url.searchParams.get('to') ?? '';
  const method = req.method ?? 'GET';
  if (url.pathname === '/health' && method === 'GET') return reply(200, { status: 'ok' });
  if (url.pathname === '/' && method === 'GET') return { html: indexPage(store.list(to || undefined), to) };
  if (url.pathname === '/api/v1/messages' || url.pathname === '/api/v1/search') {
    const searching = url.pathname === '/api/v1/search';
    const query = url.searchParams.get('query') ?? '';
    if (searching && method !== 'GET' && method !== 'DELETE') return reply(405, { error: 'method not allowed' });
    if (method === 'GET') {
      const matched = searching ? store.search(query) : store.list(to || undefined);
      return reply(200, page(matched, url, !searching && to ? matched.length : store.size, store, !searching && to ? 0 : 50));
    }
    if (searching) return reply(200, { deleted: store.remove(new Set(store.search(query).map((m) => m.id))) });
    if (method === 'POST') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readBody(req));
      } catch (error) {
        return reply(400, { error: `invalid JSON: ${(error as Error).message}` });
      }
      const message = parseIncoming(parsed);
      if (typeof message === 'string') return reply(400, { error: message });
      return reply(201, store.add(message));
    }
    if (method === 'DELETE') {
      const text = await readBody(req);
      if (text.trim()) {
        let ids: unknown;
        try {
          ids = (JSON.parse(text) as { IDs?: unknown }).IDs;
        } catch (error) {
          return reply(400, { error: `invalid JSON: ${(error as Error).message}` });
        }
        if (ids !== undefined && (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))) {
          return reply(400, { error: '"IDs" must be an array of strings' });
        }
        if (Array.isArray(ids) && ids.length > 0) return reply(200, { deleted: store.remove(new Set(ids as string[])) });
      }
      return reply(200, { deleted: store.clear(to || undefined) });
    }
    return reply(405, { error: 'method not allowed' });
  }
  const match = /^\/api\/v1\/messages?\/([^/]+)$/.exec(url.pathname);
  if (match && method === 'GET') {
    const message = store.get(decodeURIComponent(match[1]!));
    if (message) message.read = true;
    return message ? reply(200, detailed(message)) : reply(404, { error: 'message not found' });
  }
  return reply(404, { error: 'not found' });
}

/** A request listener over `store`. */
export function mailboxListener(store: MessageStore): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://mailbox');
    answer(req, url, store)
      .then((result) => {
        if ('html' in result) {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
          res.end(result.html);
        } else send(res, result.status, result.body);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, { error: String(error) });
        else res.destroy();
      });
  };
}

const MAX_MESSAGE = 10 << 20;

const addresses = (value: AddressObject | AddressObject[] | undefined): { name: string; address: string }[] =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((a) => a.value)
    .map((a) => ({ name: a.name, address: (a.address ?? '').toLowerCase() }))
    .filter((a) => a.address !== '');

/** Parses one SMTP message and stores it once per envelope recipient. */
async function storeRaw(store: MessageStore, raw: Buffer, envelope: { from: string; to: string[] }): Promise<void> {
  const parsed = await simpleParser(raw);
  const header = (name: string): string => {
    const value = parsed.headers.get(name);
    return typeof value === 'string' ? value : '';
  };
  const tags = header('x-tags')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const from = addresses(parsed.from)[0] ?? { name: '', address: envelope.from.toLowerCase() };
  const recipients = addresses(parsed.to);
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  for (const to of envelope.to) {
    store.add({
      to,
      subject: parsed.subject ?? '',
      html,
      text: parsed.text ?? '',
      from,
      recipients: recipients.length > 0 ? recipients : [{ name: '', address: to.toLowerCase() }],
      tags,
      messageId: (parsed.messageId ?? '').replace(/^<|>$/g, ''),
      size: raw.length,
      ...(parsed.date ? { date: parsed.date.toISOString() } : {}),
    });
  }
}

/** Starts the mailbox's SMTP server on `host:port` (0 picks a free port), storing into `store`. */
export async function startSmtp(host: string, port: number, store: MessageStore): Promise<{ server: SMTPServer; port: number }> {
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    // Like Mailpit: credentials (a production config pointed here) are accepted and ignored.
    allowInsecureAuth: true,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'local' }),
    size: MAX_MESSAGE,
    banner: 'local mailbox',
    closeTimeout: 1000,
    logger: false,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('message exceeds the size limit'), { responseCode: 552 }));
          return;
        }
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        storeRaw(store, Buffer.concat(chunks), envelope).then(
          () => callback(),
          (error: unknown) => callback(Object.assign(new Error(`cannot parse message: ${String(error)}`), { responseCode: 554 })),
        );
      });
    },
  });
  server.on('error', (error) => process.stderr.write(`[mailbox] smtp: ${error.message}\n`));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.server.address() as AddressInfo).port };
}

/** Starts a mailbox: HTTP on `host:port`, and SMTP on `smtpPort` when given (0 picks free ports). */
export async function startMailbox(
  host: string,
  port: number,
  store = new MessageStore(),
  smtpPort?: number,
): Promise<{ server: http.Server; port: number; smtpPort?: number; store: MessageStore; close(): Promise<void> }> {
  const smtp = smtpPort === undefined ? undefined : await startSmtp(host, smtpPort, store);
  const server = http.createServer(mailboxListener(store));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    ...(smtp ? { smtpPort: smtp.port } : {}),
    store,
    close: async () => {
      await Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
        smtp ? new Promise<void>((resolve) => smtp.server.close(() => resolve())) : Promise.resolve(),
      ]);
    },
  };
}
