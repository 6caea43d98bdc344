/**
 * What every handler gets: the server's services and the request, with the caller resolved from its
 * `Authorization` header the way storage-api does (missing header → schema error, or anon without
 * authentication on routes that allow it; a token that fails verification → 403 with jose's message).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import type { BlobStore } from './blobs.ts';
import type { StorageConfig } from './config.ts';
import { API_ROLES, serviceCaller, type Caller, type RequestFacts, type Scope } from './db.ts';
import { errors } from './errors.ts';
import type { Tokens } from './tokens.ts';

export interface Deps {
  config: StorageConfig;
  pool: pg.Pool;
  blobs: BlobStore;
  tokens: Tokens;
}

/** JSON bodies storage-api accepts (bucket and object requests are small). */
const MAX_JSON_BYTES = 1 << 20;

export class Ctx {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  private caller: Caller | undefined;

  constructor(
    readonly deps: Deps,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    this.method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    this.path = q === -1 ? url : url.slice(0, q);
    this.query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  }

  header(name: string): string {
    const value = this.req.headers[name];
    return Array.isArray(value) ? value.join(', ') : (value ?? '');
  }

  facts(): RequestFacts {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.req.headers)) {
      if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { method: this.method, path: this.path, headers };
  }

  /** The scope of an operation run as the caller. */
  scope(operation: string): Scope {
    if (!this.caller) throw new Error('caller not resolved');
    return { caller: this.caller, request: this.facts(), operation };
  }

  /** The scope of an operation run as service (bucket lookups, blob bookkeeping, final writes). */
  serviceScope(operation: string): Scope {
    return { caller: serviceCaller(this.deps.config), request: this.facts(), operation };
  }

  get who(): Caller {
    if (!this.caller) throw new Error('caller not resolved');
    return this.caller;
  }

  /** Resolves the caller; `allowInvalid` routes treat a missing or bad token as unauthenticated anon. */
  async authenticate(allowInvalid = false): Promise<Caller> {
    const header = this.header('authorization');
    const unauthenticated: Caller = { role: 'anon', token: '', claims: { role: 'anon' }, sub: undefined, authenticated: false };
    if (!header) {
      if (allowInvalid) return (this.caller = unauthenticated);
      throw errors.schema("headers must have required property 'authorization'");
    }
    const token = header.replace(/^Bearer\s+/i, '');
    let claims: Record<string, unknown>;
    try {
      claims = await this.deps.tokens.verify(token);
    } catch (error) {
      if (allowInvalid) return (this.caller = unauthenticated);
      throw errors.accessDenied((error as Error).message || 'Invalid JWT');
    }
    const role = typeof claims.role === 'string' && claims.role ? claims.role : 'anon';
    if (!API_ROLES.has(role)) throw errors.roleDenied(`Access denied: role ${role} is not allowed`);
    const sub = typeof claims.sub === 'string' && claims.sub ? claims.sub : undefined;
    return (this.caller = { role, token, claims, sub, authenticated: true });
  }

  /** The body as a JSON object (`{}` when empty); bad JSON or a non-object is a 400. */
  async json(): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.req) {
      size += (chunk as Buffer).length;
      if (size > MAX_JSON_BYTES) throw errors.entityTooLarge();
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8').trim();
    if (!text) return {};
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw errors.schema('Body is not valid JSON');
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw errors.schema('body must be object');
    return value as Record<string, unknown>;
  }
}
