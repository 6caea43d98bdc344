/**
 * The local mailbox's HTTP API (the project's stand-in for Mailpit):
 * - `POST /api/v1/messages` — delivery from the auth server: `{to, subject, html, text, links[], otp?, type}`;
 * - `GET /api/v1/messages?to=<email>` — `{total, messages}` newest first, with `links` and `otps`;
 * - `GET /api/v1/messages/<id>` — one message;
 * - `DELETE /api/v1/messages[?to=<email>]` — clear (all, or one recipient's);
 * - `GET /health`; `GET /` — a plain HTML list for people.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessageStore, parseIncoming, type StoredMessage } from './store.ts';

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

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

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

/** A request listener over `store`. */
export function mailboxListener(store: MessageStore): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://mailbox');
    const to = url.searchParams.get('to') ?? '';
    const method = req.method ?? 'GET';
    void (async () => {
      if (url.pathname === '/health' && method === 'GET') return send(res, 200, { status: 'ok' });
      if (url.pathname === '/' && method === 'GET') {
        const page = indexPage(store.list(to || undefined), to);
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        return res.end(page);
      }
      if (url.pathname === '/api/v1/messages') {
        if (method === 'GET') {
          const messages = store.list(to || undefined);
          return send(res, 200, { total: messages.length, messages });
        }
        if (method === 'POST') {
          let parsed: unknown;
          try {
            parsed = JSON.parse(await readBody(req));
          } catch (error) {
            return send(res, 400, { error: `invalid JSON: ${(error as Error).message}` });
          }
          const message = parseIncoming(parsed);
          if (typeof message === 'string') return send(res, 400, { error: message });
          return send(res, 201, store.add(message));
        }
        if (method === 'DELETE') return send(res, 200, { deleted: store.clear(to || undefined) });
        return send(res, 405, { error: 'method not allowed' });
      }
      const match = /^\/api\/v1\/messages\/([^/]+)$/.exec(url.pathname);
      if (match && method === 'GET') {
        const message = store.get(decodeURIComponent(match[1]!));
        return message ? send(res, 200, message) : send(res, 404, { error: 'message not found' });
      }
      return send(res, 404, { error: 'not found' });
    })().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(error) });
      else res.destroy();
    });
  };
}

/** Starts a mailbox on `host:port` (0 picks a free port). */
export async function startMailbox(
  host: string,
  port: number,
  store = new MessageStore(),
): Promise<{ server: http.Server; port: number; store: MessageStore; close(): Promise<void> }> {
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
    store,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
