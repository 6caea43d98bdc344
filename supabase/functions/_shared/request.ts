/**
 * Reading a request the same way in every function: the method, the JSON body validated with a zod
 * schema (400 `validation_failed` with field-level details, also for malformed JSON), and the client's
 * address. Nothing here writes anything, so a bad request never reaches the database.
 */
import type { z } from 'zod';
import { HttpError } from './errors.ts';
import { isOpaqueKey, secretKeys } from './keys.ts';
import { validate } from './schemas/identity.ts';

/** Largest body a function reads (registration bodies are a few hundred bytes). */
const MAX_BODY_BYTES = 64 * 1024;

/** 405 unless the request uses one of `methods`. */
export function allowMethods(request: Request, ...methods: string[]): void {
  if (!methods.includes(request.method)) {
    throw new HttpError('method_not_allowed', `Use ${methods.join(' or ')}`, undefined, { Allow: [...methods, 'OPTIONS'].join(', ') });
  }
}

function malformed(message: string): HttpError {
  return new HttpError('validation_failed', 'The request body is not valid', { fieldErrors: {}, formErrors: [message] });
}

/** How a function reads its body. */
export interface BodyOptions {
  /** Largest body accepted, in bytes (default 64 KiB). */
  maxBytes?: number;
}

/** Refuses NUL characters anywhere (Postgres text cannot hold them), in keys as well as values. */
function refuseNul(key: string, value: unknown): unknown {
  if (key.includes('\0') || (typeof value === 'string' && value.includes('\0'))) throw malformed('The body must not contain NUL characters');
  return value;
}

/**
 * The body as a JSON object, refusing anything else: a content type other than JSON or plain text (415), too large,
 * not JSON, not an object (arrays and scalars included), or holding NUL characters (400). The one
 * reader every function's body goes through.
 */
export async function readJson(request: Request, options: BodyOptions = {}): Promise<Record<string, unknown>> {
  const contentType = request.headers.get('content-type');
  // JSON, or text/plain as fetch and supabase-js label a string body; form data and anything else is refused.
  if (contentType !== null && !/^(application\/([a-z0-9.+-]+\+)?json|text\/plain)\s*(;|$)/i.test(contentType)) {
    await request.arrayBuffer(); // drained, so the connection stays usable
    throw new HttpError('unsupported_media_type', 'Send the body as JSON (Content-Type: application/json)');
  }
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  const text = await request.text();
  if (new TextEncoder().encode(text).length > maxBytes) throw malformed(`The body is larger than ${maxBytes} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text, refuseNul);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw malformed('The body must be a JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed('The body must be a JSON object');
  return value as Record<string, unknown>;
}

/** Reads and validates the JSON body; 400 with field-level details when it does not fit `schema`. */
export async function readBody<S extends z.ZodType>(request: Request, schema: S, options: BodyOptions = {}): Promise<z.output<S>> {
  const result = validate(schema, await readJson(request, options));
  if (!result.success) throw new HttpError('validation_failed', 'Some fields are not valid', result.details);
  return result.data;
}

/**
 * The client's IP, as the gateway in front of the functions saw it: the last (rightmost) address of
 * `X-Forwarded-For`, the one the nearest proxy appended or wrote. The local gateway replaces whatever
 * the client sent with the connection's address, so there is exactly one; entries further left are
 * written by the client and never used. `unknown` when there is none. Used to key rate limits.
 */
export function clientIp(request: Request): string {
  const last = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
  return last && /^[0-9a-fA-F:.]{2,45}$/.test(last) ? last : 'unknown';
}

/**
 * Headers that let Auth see the end user's address and browser when a function calls it for them:
 * the address goes in `Sb-Forwarded-For`, which the gateway believes only from a holder of the
 * secret key (so the `apikey` is the secret key; `Authorization` stays whatever the call needs).
 * Without it every user's requests would count against the functions server's own address.
 */
export function forwardedHeaders(request: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  const ip = clientIp(request);
  const key = secretKeys()[0];
  const userAgent = request.headers.get('user-agent');
  if (ip !== 'unknown' && key) {
    headers['sb-forwarded-for'] = ip;
    headers.apikey = key;
  }
  // The gateway refuses a secret `sb_…` key sent with a browser's User-Agent (a leaked key), and the
  // service client sends that key whenever the project has one: so the browser's agent is forwarded
  // only while the service role travels as the legacy JWT.
  if (userAgent && !(key && isOpaqueKey(key))) headers['user-agent'] = userAgent;
  return headers;
}
