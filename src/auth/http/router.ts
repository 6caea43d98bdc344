/**
 * A small router: exact paths and `:param` segments, per method. Handlers return a `Reply` instead of
 * writing to the socket, so every response (and every error) goes through one place in the server.
 */
import type { AuthRequest } from './request.ts';

/** What a handler answers: JSON (the default), 204, or a 303 redirect. */
export type Reply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'empty'; status: number; headers?: Record<string, string> }
  | { kind: 'redirect'; location: string };

/** A route handler. */
export type Handler = (req: AuthRequest) => Promise<Reply>;

/** 200 (or `status`) with a JSON body. */
export const json = (body: unknown, status = 200, headers?: Record<string, string>): Reply => ({
  kind: 'json',
  status,
  body,
  ...(headers ? { headers } : {}),
});

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

/** Result of matching a request. */
export type Match = { found: true; handler: Handler; params: Record<string, string> } | { found: false; methodNotAllowed: boolean };

/** Routes keyed by method and path pattern, e.g. `router.add('GET', '/admin/users/:user_id', h)`. */
export class Router {
  private readonly routes: Route[] = [];

  /** Registers `handler` for `method` and `pattern`. */
  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: split(pattern), handler });
    return this;
  }

  /** Finds the handler for a method and path (a trailing slash is ignored, as chi does for `/`). */
  match(method: string, path: string): Match {
    const segments = split(path);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method) return { found: true, handler: route.handler, params };
    }
    return { found: false, methodNotAllowed: pathMatched };
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const a = actual[i]!;
    if (p.startsWith(':')) {
      try {
        params[p.slice(1)] = decodeURIComponent(a);
      } catch {
        return undefined;
      }
    } else if (p !== a) {
      return undefined;
    }
  }
  return params;
}
