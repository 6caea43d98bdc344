/**
 * Reading a request the same way in every function: the method, the JSON body validated with a zod
 * schema (400 `validation_failed` with field-level details, also for malformed JSON), and the client's
 * address. Nothing here writes anything, so a bad request never reaches the database.
 */
import type { z } from 'zod';
import { HttpError } from './errors.ts';
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

/** The body as JSON, refusing anything that is not a JSON object. */
export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) throw malformed(`The body is larger than ${MAX_BODY_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed('The body must be a JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed('The body must be a JSON object');
  return value;
}

/** Reads and validates the JSON body; 400 with field-level details when it does not fit `schema`. */
export async function readBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const result = validate(schema, await readJson(request));
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

/** The project's secret key (legacy service-role JWT, or the new `sb_secret_…` key). */
function secretKey(): string | undefined {
  const legacy = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY');
  if (legacy) return legacy;
  try {
    return (JSON.parse(Deno.env.get('SUPABASE_SECRET_KEYS') ?? '{}') as Record<string, string>).default;
  } catch {
    return undefined;
  }
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
  const key = secretKey();
  const userAgent = request.headers.get('user-agent');
  if (ip !== 'unknown' && key) {
    headers['sb-forwarded-for'] = ip;
    headers.apikey = key;
  }
  if (userAgent) headers['user-agent'] = userAgent;
  return headers;
}
