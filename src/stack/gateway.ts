/**
 * The API gateway on one port, in place of Supabase's Kong: routes `/rest/v1`, `/auth/v1` and
 * `/functions/v1` to their services with the prefix stripped, turns API keys into the JWT the
 * service expects (contract §4.4), checks the `apikey` like the hosted gateway does, and answers
 * CORS preflights. A new upstream is one line in `routes`. It is the trust boundary for the client's
 * address: every forwarding header a client sends is replaced by the address of its connection.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { isIP } from 'node:net';
import type { StackConfig } from './config.ts';

/** Connection refused (a service restarting) is tried again this many times, 100, 200, … ms apart (5.5 s in all). */
/** Methods a proxy may send again after a connection error (nginx's proxy_next_upstream rule). */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const UPSTREAM_RETRIES = 10;
const UPSTREAM_RETRY_DELAY_MS = 100;

interface Route {
  prefix: string;
  port: number;
  /** Rewrite `apikey` → `Authorization` and require a valid API key. */
  keyed: boolean;
  /** Answer OPTIONS here (Kong's cors plugin) instead of passing it on. */
  preflight: boolean;
  timeoutMs: number;
}

/** Kong's CORS defaults: any origin, the requested headers, the usual methods. */
const CORS_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT';

export function gatewayRoutes(config: StackConfig): Route[] {
  const { ports } = config;
  return [
    // Browser navigations (e-mail links, OAuth) carry no apikey.
    { prefix: '/auth/v1/verify', port: ports.auth, keyed: false, preflight: true, timeoutMs: 60_000 },
    { prefix: '/auth/v1/callback', port: ports.auth, keyed: false, preflight: true, timeoutMs: 60_000 },
    { prefix: '/auth/v1/authorize', port: ports.auth, keyed: false, preflight: true, timeoutMs: 60_000 },
    { prefix: '/auth/v1', port: ports.auth, keyed: true, preflight: true, timeoutMs: 60_000 },
    { prefix: '/rest/v1', port: ports.rest, keyed: true, preflight: true, timeoutMs: 60_000 },
    // Storage needs no key (public and signed URLs are opened by browsers); keys still become JWTs.
    { prefix: '/storage/v1', port: ports.storage, keyed: false, preflight: true, timeoutMs: 150_000 },
    // Functions answer their own OPTIONS (as on hosted Supabase); webhooks call them without a key.
    { prefix: '/functions/v1', port: ports.functions, keyed: false, preflight: false, timeoutMs: 150_000 },
  ];
}

function matchRoute(routes: Route[], pathname: string): Route | undefined {
  return routes.find((r) => pathname === r.prefix || pathname.startsWith(`${r.prefix}/`) || pathname.startsWith(`${r.prefix}?`));
}

function verifyHs256(token: string, secret: string): Record<string, unknown> | undefined {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return undefined;
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string };
    if (head.alg !== 'HS256') return undefined;
    const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    if (typeof claims.exp === 'number' && claims.exp < Date.now() / 1000) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

type KeyCheck = { ok: true; authorization: string | undefined } | { ok: false; status: number; message: string; hint?: string };

/**
 * True when the secret key (`sb_secret_…`, in `apikey` or as the bearer) comes from a browser, which
 * hosted Supabase's gateway recognises by a `Mozilla/` User-Agent and refuses with 401, on every route:
 * a secret key leaked into a web page must fail at once. As on hosted, the legacy service_role JWT is
 * not refused (it predates this protection); projects move to the secret key to get it.
 */
export function secretKeyFromBrowser(config: StackConfig, apikey: string | undefined, bearer: string | undefined, userAgent: string | undefined): boolean {
  const secret = config.keys.secretKey;
  return (apikey === secret || bearer === secret) && !!userAgent?.includes('Mozilla/');
}

/**
 * Decides the upstream `Authorization` header (contract §4.4): a non-`sb_` bearer is kept; otherwise
 * the secret key becomes the service-role JWT and the publishable key the anon JWT.
 */
export function resolveAuthorization(
  config: StackConfig,
  apikey: string | undefined,
  authorization: string | undefined,
  userAgent: string | undefined,
  requireKey: boolean,
): KeyCheck {
  const { keys } = config;
  if (requireKey) {
    if (!apikey) {
      return { ok: false, status: 401, message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' };
    }
    const known =
      apikey === keys.publishableKey ||
      apikey === keys.secretKey ||
      apikey === keys.anonKey ||
      apikey === keys.serviceRoleKey ||
      ['anon', 'service_role'].includes(String(verifyHs256(apikey, keys.jwtSecret)?.role));
    if (!known) {
      return { ok: false, status: 401, message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' };
    }
  }
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (secretKeyFromBrowser(config, apikey, bearer, userAgent)) {
    return { ok: false, status: 401, message: 'Forbidden use of secret API key in browser' };
  }
  if (authorization && !bearer?.startsWith('sb_')) return { ok: true, authorization };
  if (bearer && bearer !== apikey) {
    return { ok: false, status: 401, message: 'Invalid API key', hint: 'An `sb_` key in Authorization must equal the apikey header.' };
  }
  if (apikey === keys.secretKey) return { ok: true, authorization: `Bearer ${keys.serviceRoleKey}` };
  if (apikey === keys.publishableKey) return { ok: true, authorization: `Bearer ${keys.anonKey}` };
  return { ok: true, authorization: apikey ? `Bearer ${apikey}` : undefined };
}

/**
 * Headers through which a client could claim to be someone else (its address, host or scheme). The
 * services behind the gateway rate-limit and record by address, so none of these may reach them as the
 * client wrote it: they are all removed, then set from the connection.
 */
export const FORWARDING_HEADERS = [
  'forwarded',
  'forwarded-for',
  'x-forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-original-forwarded-for',
  'x-real-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'sb-forwarded-for',
] as const;

const normalizeAddress = (address: string) => (address.startsWith('::ffff:') ? address.slice(7) : address);

/**
 * The client's address: the connection's. A caller holding the secret key (a server, e.g. an Edge
 * Function calling Auth for its user) may instead name the end user's address in `Sb-Forwarded-For`,
 * as with Supabase Auth, so that Auth's per-address limits count that user and not the server; from
 * anyone else the header is ignored. (The secret key never comes from a browser: refused above.)
 */
export function clientAddress(config: StackConfig, req: http.IncomingMessage, upstreamAuthorization: string | undefined, connectionAddress = req.socket.remoteAddress): string {
  const socket = normalizeAddress(connectionAddress ?? '127.0.0.1');
  const named = String(req.headers['sb-forwarded-for'] ?? '')
    .split(',')[0]!
    .trim();
  if (!named || !isIP(named)) return socket;
  const apikey = req.headers.apikey as string | undefined;
  const bearer = upstreamAuthorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  const serviceRole = (token: string | undefined) => !!token && verifyHs256(token, config.keys.jwtSecret)?.role === 'service_role';
  const trusted = apikey === config.keys.secretKey || serviceRole(apikey) || serviceRole(bearer);
  return trusted ? normalizeAddress(named) : socket;
}

/** Replaces every forwarding header with the gateway's own view: exactly one address, the client's. */
export function setForwardingHeaders(headers: http.OutgoingHttpHeaders, req: http.IncomingMessage, address: string, prefix: string): void {
  for (const name of FORWARDING_HEADERS) delete headers[name];
  const host = req.headers.host ?? '';
  headers['x-forwarded-for'] = address;
  headers['x-real-ip'] = address;
  headers.forwarded = `for=${isIP(address) === 6 ? `"[${address}]"` : address};host="${host.replace(/["\\]/g, '')}";proto=http`;
  headers['x-forwarded-host'] = host;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-prefix'] = prefix;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, extra: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*', ...extra });
  res.end(JSON.stringify(body));
}

function preflight(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200, {
    'Access-Control-Allow-Origin': req.headers.origin ?? '*',
    'Access-Control-Allow-Methods': CORS_METHODS,
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
    'Access-Control-Max-Age': '3600',
    Vary: 'Origin',
    'Content-Length': '0',
  });
  res.end();
}

/** Responses up to this size are relayed whole, in one write; larger ones stream. */
const BUFFERED_RESPONSE_BYTES = 256 * 1024;

/**
 * Sends the upstream's answer on. PostgREST and Deno answer in chunks; relayed as they come that is a
 * write for the head and the first chunk, more for further chunks and one for the final empty chunk.
 * Like nginx's proxy_buffering, a small answer is collected first and sent in one write with its
 * length (the largest single cost of the gateway under load was the write system calls); past
 * BUFFERED_RESPONSE_BYTES, or for an event stream, the rest streams as it comes.
 */
function relay(upstreamRes: http.IncomingMessage, res: http.ServerResponse, method: string | undefined, origin: string | undefined): void {
  const out = upstreamRes.headers as http.OutgoingHttpHeaders;
  if (!out['access-control-allow-origin']) out['access-control-allow-origin'] = origin ?? '*';
  const status = upstreamRes.statusCode ?? 502;
  if (String(out['content-type'] ?? '').startsWith('text/event-stream')) {
    res.writeHead(status, out);
    upstreamRes.pipe(res);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size <= BUFFERED_RESPONSE_BYTES) return;
    // Too large to hold: stream from here on, with the upstream's own framing.
    upstreamRes.off('data', onData);
    upstreamRes.off('end', onEnd);
    res.writeHead(status, out);
    for (const held of chunks) res.write(held);
    upstreamRes.pipe(res);
  };
  const onEnd = () => {
    // A chunked answer becomes one of known length (a HEAD answer and bodiless statuses keep their headers).
    if (out['transfer-encoding'] && method !== 'HEAD' && hasBody(status)) {
      delete out['transfer-encoding'];
      out['content-length'] = String(size);
    }
    res.writeHead(status, out);
    res.end(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
  };
  upstreamRes.on('data', onData);
  upstreamRes.on('end', onEnd);
  // The upstream went away mid-answer: the client's connection is closed, as a pipe would.
  upstreamRes.on('error', (error) => res.destroy(error));
}

/** Statuses that never carry a body. */
function hasBody(status: number): boolean {
  return !(status === 204 || status === 304 || (status >= 100 && status < 200));
}

export interface GatewayOptions {
  /**
   * The gateway sits behind nginx (src/stack/nginx.ts) on an internal port: the client's address comes
   * from nginx's `x-stack-client-address`, and a request carrying `x-stack-relay: rest|functions` is
   * one nginx already rewrote and could not deliver (the service restarting), sent on as it is.
   */
  behindNginx?: boolean;
}

/** Creates (does not start) the gateway server. */
export function createGateway(config: StackConfig, options: GatewayOptions = {}): http.Server {
  const routes = gatewayRoutes(config);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const relayRoutes = new Map(routes.filter((r) => r.prefix === '/rest/v1' || r.prefix === '/functions/v1').map((r) => [r.prefix.split('/')[1]!, r]));

  /**
   * Sends the request on. Like Kong, the body is read first (request buffering), so a request the
   * upstream never received — connection refused while a supervised service restarts — can be tried again.
   */
  const forward = (req: http.IncomingMessage, res: http.ServerResponse, route: Route, path: string, headers: http.OutgoingHttpHeaders) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const send = (attempt: number): void => {
        const upstream = http.request(
          {
            host: '127.0.0.1',
            port: route.port,
            method: req.method,
            path: path.startsWith('/') ? path : `/${path}`,
            headers,
            agent,
            timeout: route.timeoutMs,
          },
          (upstreamRes) => relay(upstreamRes, res, req.method, req.headers.origin),
        );
        upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
        upstream.on('error', (error: NodeJS.ErrnoException) => {
          if (res.headersSent) {
            res.destroy(error);
            return;
          }
          // Refused: nothing listens (yet). Reset on a kept-alive socket: the process that held it is gone.
          const neverReceived = error.code === 'ECONNREFUSED' || (error.code === 'ECONNRESET' && upstream.reusedSocket);
          // A reset before any answer on a fresh socket (a dying process's listen queue) may follow a
          // request that was received: like nginx's proxy_next_upstream, retried only when idempotent.
          const resetBeforeAnswer = (error.code === 'ECONNRESET' || error.code === 'EPIPE') && IDEMPOTENT_METHODS.has(req.method ?? '');
          if ((neverReceived || resetBeforeAnswer) && attempt < UPSTREAM_RETRIES) {
            setTimeout(() => send(attempt + 1), UPSTREAM_RETRY_DELAY_MS * (attempt + 1));
            return;
          }
          const relayError = route.prefix === '/functions/v1' ? { 'x-relay-error': 'true' } : {};
          sendJson(res, 502, { message: 'An invalid response was received from the upstream server' }, relayError);
        });
        upstream.end(body);
      };
      send(0);
    });
  };

  return http.createServer((req, res) => {
    const url = req.url ?? '/';
    let connectionAddress: string | undefined;
    if (options.behindNginx) {
      const relayed = relayRoutes.get(String(req.headers['x-stack-relay'] ?? ''));
      if (relayed) {
        const headers: http.OutgoingHttpHeaders = { ...req.headers };
        delete headers['x-stack-relay'];
        delete headers['x-stack-client-address'];
        delete headers.host;
        forward(req, res, relayed, url, headers);
        return;
      }
      const named = String(req.headers['x-stack-client-address'] ?? '');
      if (isIP(named)) connectionAddress = named;
    }
    const pathname = url.split('?')[0] ?? '/';
    const route = matchRoute(routes, pathname);
    if (!route) {
      sendJson(res, 404, { message: 'no Route matched with those values' });
      return;
    }
    if (req.method === 'OPTIONS' && route.preflight && req.headers['access-control-request-method']) {
      preflight(req, res);
      return;
    }
    const apikey = (req.headers.apikey as string | undefined) ?? (url.includes('apikey=') ? (new URL(url, 'http://gateway').searchParams.get('apikey') ?? undefined) : undefined);
    const check = resolveAuthorization(config, apikey, req.headers.authorization, req.headers['user-agent'], route.keyed);
    if (!check.ok) {
      sendJson(res, check.status, { message: check.message, ...(check.hint ? { hint: check.hint } : {}) });
      return;
    }

    const headers: http.OutgoingHttpHeaders = { ...req.headers };
    delete headers.host;
    delete headers['x-stack-relay'];
    delete headers['x-stack-client-address'];
    if (route.keyed || check.authorization !== req.headers.authorization) {
      if (check.authorization) headers.authorization = check.authorization;
      else delete headers.authorization;
    }
    // The CLI's gateway forwards the path below the route's service prefix.
    const servicePrefix = route.prefix.startsWith('/auth/v1') ? '/auth/v1' : route.prefix;
    setForwardingHeaders(headers, req, clientAddress(config, req, check.authorization, connectionAddress), servicePrefix);
    forward(req, res, route, url.slice(servicePrefix.length) || '/', headers);
  });
}
