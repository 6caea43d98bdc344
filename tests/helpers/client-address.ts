/**
 * Many clients from one machine. Suites give each simulated client its own address by naming it in
 * `X-Forwarded-For` (so rate limits, devices and sessions see different clients). The gateway ignores
 * that header — a client writes it — and takes the address of the connection, like any gateway that
 * faces the internet. So the harness makes the named address real: a request that carries
 * `X-Forwarded-For` is sent from a loopback address of its own (all of 127.0.0.0/8 is loopback on
 * Linux), `sourceAddressFor(ip)`, and the header itself is dropped. Requests without the header keep
 * Node's fetch. An attack test that must send the header as written uses `fetchFrom` (or `directFetch`).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { isIPv4 } from 'node:net';

/** Node's own fetch, untouched: the header goes out as written, from 127.0.0.1. */
export const directFetch: typeof fetch = globalThis.fetch.bind(globalThis);

/**
 * The loopback address a simulated client `ip` connects from: 127.b.c.d for an IPv4 a.b.c.d (so
 * 203.0.113.9 → 127.0.113.9), a hash of anything else.
 */
export function sourceAddressFor(ip: string): string {
  const value = ip.split(',')[0]!.trim();
  const [, b, c, last] = isIPv4(value) ? value.split('.').map(Number) : [...createHash('sha256').update(value).digest().subarray(0, 4)];
  let d = last!;
  if (b === 0 && c === 0 && d <= 1) d = 2; // 127.0.0.0 is the network, 127.0.0.1 everyone's
  if (b === 255 && c === 255 && d === 255) d = 254; // broadcast
  return `127.${b}.${c}.${d}`;
}

const agents = new Map<string, http.Agent>();
function agentFor(localAddress: string): http.Agent {
  let agent = agents.get(localAddress);
  if (!agent) {
    agent = new http.Agent({ keepAlive: true, localAddress });
    agents.set(localAddress, agent);
  }
  return agent;
}

/** `fetch` over node:http from `localAddress`, headers as given (plain HTTP; anything else goes to Node's fetch). */
export async function fetchFrom(localAddress: string, input: RequestInfo | URL, init?: RequestInit, redirects = 0): Promise<Response> {
  const request = new Request(input, init);
  const url = new URL(request.url);
  if (url.protocol !== 'http:') return directFetch(request);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  if (body) headers['content-length'] = String(body.length);
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    if (request.signal.aborted) return reject(request.signal.reason as Error);
    const outgoing = http.request(
      { host: url.hostname, port: url.port || 80, path: `${url.pathname}${url.search}`, method: request.method, headers, agent: agentFor(localAddress) },
      resolve,
    );
    request.signal.addEventListener('abort', () => outgoing.destroy(request.signal.reason as Error), { once: true });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const status = response.statusCode ?? 502;
  const responseHeaders = new Headers();
  for (let i = 0; i < response.rawHeaders.length; i += 2) responseHeaders.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!);
  const location = responseHeaders.get('location');
  if ([301, 302, 303, 307, 308].includes(status) && location && request.redirect === 'follow' && redirects < 20) {
    const next = new URL(location, url);
    const asGet = status === 303 || ((status === 301 || status === 302) && request.method === 'POST');
    return fetchFrom(
      localAddress,
      next,
      { method: asGet ? 'GET' : request.method, headers: request.headers, body: asGet ? undefined : body, redirect: 'follow', signal: request.signal },
      redirects + 1,
    );
  }
  const empty = [101, 204, 205, 304].includes(status) || request.method === 'HEAD';
  const result = new Response(empty ? null : Buffer.concat(chunks), { status, statusText: response.statusMessage, headers: responseHeaders });
  Object.defineProperty(result, 'url', { value: url.toString() });
  return result;
}

/** Replaces the global fetch: a request naming a client in `X-Forwarded-For` is sent from that client's address. */
export function simulateClientAddresses(): void {
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const named = request.headers.get('x-forwarded-for');
    if (!named) return directFetch(request);
    request.headers.delete('x-forwarded-for');
    return fetchFrom(sourceAddressFor(named), request);
  };
}
