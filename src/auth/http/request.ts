/**
 * One incoming request as the handlers see it: method, path, query, headers, client address, and the
 * body read once with GoTrue's 1 MB limit. JSON bodies are decoded the way Go's `encoding/json` decodes
 * into GoTrue's parameter structs: unknown keys are ignored, `null` means "not given", a value of the
 * wrong type is a 400 `bad_json`.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { ApiError, badRequest } from './errors.ts';

/** GoTrue's request body limit. */
export const MAX_BODY_BYTES = 1 << 20;

/** A request after routing: everything a handler needs, nothing it should not. */
export class AuthRequest {
  readonly method: string;
  /** The path without query string, e.g. `/admin/users/…`. */
  readonly path: string;
  /** The path and query exactly as received (the base of pagination `Link` headers). */
  readonly rawUrl: string;
  readonly query: URLSearchParams;
  /** Client IP: first valid address of `X-Forwarded-For`, else the socket peer. */
  readonly ip: string;
  readonly userAgent: string;
  /** Route parameters, e.g. `user_id`. */
  params: Record<string, string> = {};
  private bodyPromise: Promise<Buffer> | undefined;

  constructor(readonly raw: IncomingMessage) {
    this.method = raw.method ?? 'GET';
    this.rawUrl = raw.url ?? '/';
    const q = this.rawUrl.indexOf('?');
    this.path = q === -1 ? this.rawUrl : this.rawUrl.slice(0, q);
    this.query = new URLSearchParams(q === -1 ? '' : this.rawUrl.slice(q + 1));
    this.ip = clientIp(raw);
    this.userAgent = header(raw, 'user-agent');
  }

  /** A request header, '' when absent. */
  header(name: string): string {
    return header(this.raw, name);
  }

  /** The raw body, at most 1 MB (413 `request_entity_too_large` beyond). */
  body(): Promise<Buffer> {
    this.bodyPromise ??= readBody(this.raw);
    return this.bodyPromise;
  }

  /** The body decoded as a JSON object (`null` decodes to `{}`), or 400 `bad_json`. */
  async json(): Promise<Record<string, unknown>> {
    const buf = await this.body();
    const text = buf.toString('utf8');
    // Postgres text and jsonb cannot hold NUL; refuse it here rather than fail later with a 500.
    if (text.includes('\\u0000')) {
      throw badRequest('bad_json', 'Could not parse request body as JSON: strings must not contain NUL (\\u0000)');
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const detail = buf.length === 0 ? 'unexpected end of JSON input' : (error as Error).message;
      throw badRequest('bad_json', `Could not parse request body as JSON: ${detail}`);
    }
    if (value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw badRequest('bad_json', `Could not parse request body as JSON: json: cannot unmarshal ${jsonKind(value)} into Go value of type object`);
    }
    return value as Record<string, unknown>;
  }
}

function header(raw: IncomingMessage, name: string): string {
  const value = raw.headers[name];
  if (Array.isArray(value)) return value.join(', ');
  return value ?? '';
}

/**
 * The address the gateway in front wrote: the last `X-Forwarded-For` entry (it replaces whatever the
 * client sent, so there is one); entries to its left would be the client's own claims.
 */
function clientIp(raw: IncomingMessage): string {
  const candidate = header(raw, 'x-forwarded-for').split(',').at(-1)?.trim();
  if (candidate && isIP(candidate)) return candidate;
  const remote = raw.socket.remoteAddress ?? '';
  return remote.startsWith('::ffff:') ? remote.slice(7) : remote;
}

/** Beyond this much unread upload the connection is dropped instead of drained. */
const MAX_DRAIN_BYTES = 64 << 20;

/**
 * Reads the body up to `MAX_BODY_BYTES`. An oversized body is still read to its end (and discarded)
 * before the 413 is answered: answering while a proxy is still uploading leaves its connection in a
 * state some proxies mishandle.
 */
function readBody(raw: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let oversized = Number(raw.headers['content-length'] ?? 0) > MAX_BODY_BYTES;
    raw.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) oversized = true;
      if (size > MAX_DRAIN_BYTES) {
        raw.socket.destroy();
        reject(tooLarge());
        return;
      }
      if (!oversized) chunks.push(chunk);
    });
    raw.on('end', () => {
      if (oversized) reject(tooLarge());
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    raw.on('error', reject);
  });
}

function tooLarge(): ApiError {
  return new ApiError(413, 'request_entity_too_large', `Request body too large (max ${MAX_BODY_BYTES} bytes)`);
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** Field kinds of a GoTrue parameter struct. */
type FieldKind = 'string' | 'bool' | 'object' | 'optionalString';
type FieldValue<K extends FieldKind> = K extends 'string' ? string : K extends 'bool' ? boolean : K extends 'object' ? Record<string, unknown> | undefined : string | undefined;

/**
 * Decodes `body` against a GoTrue parameter struct: strings default to '', booleans to false,
 * objects and optional strings (Go `*string`) to undefined. A value of another JSON type is 400 `bad_json`
 * with Go's wording, so callers see the same error for `{"email": 5}` as from GoTrue.
 */
export function decodeParams<S extends Record<string, FieldKind>>(body: Record<string, unknown>, structName: string, schema: S): { [K in keyof S]: FieldValue<S[K]> } {
  const out: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(schema)) {
    const value = body[key];
    if (value === undefined || value === null) {
      out[key] = kind === 'string' ? '' : kind === 'bool' ? false : undefined;
      continue;
    }
    const ok = kind === 'bool' ? typeof value === 'boolean' : kind === 'object' ? typeof value === 'object' && !Array.isArray(value) : typeof value === 'string';
    if (!ok) {
      const goType = kind === 'bool' ? 'bool' : kind === 'object' ? 'map[string]interface {}' : 'string';
      throw badRequest('bad_json', `Could not parse request body as JSON: json: cannot unmarshal ${jsonKind(value)} into Go struct field ${structName}.${key} of type ${goType}`);
    }
    out[key] = value;
  }
  return out as { [K in keyof S]: FieldValue<S[K]> };
}
