/**
 * The auth server: routes of GoTrue's HTTP API (paths as GoTrue sees them, the gateway having stripped
 * `/auth/v1`), one error path producing GoTrue-shaped errors, and the service wiring (pool, keys,
 * bcrypt workers, rate limits, mailer) with a clean shutdown.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthConfig } from './config.ts';
import type { AuthDeps } from './context.ts';
import { createPool } from './db/pool.ts';
import { createUserHandler, deleteUserHandler, generateLinkHandler, getUserByIdHandler, inviteHandler, listUsersHandler, updateUserByIdHandler } from './handlers/admin.ts';
import { otpHandler, recoverHandler, resendHandler } from './handlers/email.ts';
import { healthHandler, jwksHandler, settingsHandler } from './handlers/meta.ts';
import { signupHandler } from './handlers/signup.ts';
import { tokenHandler } from './handlers/token.ts';
import { getUserHandler, logoutHandler, reauthenticateHandler, updateUserHandler } from './handlers/user.ts';
import { verifyGetHandler, verifyPostHandler } from './handlers/verify.ts';
import { ApiError, errorResponse, OAuthError } from './http/errors.ts';
import { AuthRequest } from './http/request.ts';
import { Router, type Reply } from './http/router.ts';
import { Mailer } from './mail/mailer.ts';
import { BcryptPool } from './passwords/bcrypt-pool.ts';
import { AccountGuard, RateLimits } from './rate-limit.ts';
import { JwtKeys } from './tokens/jwt.ts';

/** Every route of the server. */
export function buildRouter(deps: AuthDeps): Router {
  return new Router()
    .add('GET', '/health', healthHandler())
    .add('GET', '/settings', settingsHandler(deps))
    .add('GET', '/.well-known/jwks.json', jwksHandler(deps))
    .add('POST', '/signup', signupHandler(deps))
    .add('POST', '/token', tokenHandler(deps))
    .add('GET', '/user', getUserHandler(deps))
    .add('PUT', '/user', updateUserHandler(deps))
    .add('POST', '/logout', logoutHandler(deps))
    .add('GET', '/reauthenticate', reauthenticateHandler(deps))
    .add('POST', '/recover', recoverHandler(deps))
    .add('POST', '/otp', otpHandler(deps))
    .add('POST', '/magiclink', otpHandler(deps))
    .add('POST', '/resend', resendHandler(deps))
    .add('GET', '/verify', verifyGetHandler(deps))
    .add('POST', '/verify', verifyPostHandler(deps))
    .add('POST', '/invite', inviteHandler(deps))
    .add('GET', '/admin/users', listUsersHandler(deps))
    .add('POST', '/admin/users', createUserHandler(deps))
    .add('GET', '/admin/users/:user_id', getUserByIdHandler(deps))
    .add('PUT', '/admin/users/:user_id', updateUserByIdHandler(deps))
    .add('DELETE', '/admin/users/:user_id', deleteUserHandler(deps))
    .add('POST', '/admin/generate_link', generateLinkHandler(deps));
}

/** GoTrue's CORS response headers: the caller's origin with credentials (the gateway answers preflights). */
function corsHeaders(origin: string): Record<string, string> {
  if (!origin) return { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSED_HEADERS };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': EXPOSED_HEADERS,
    Vary: 'Origin',
  };
}

const EXPOSED_HEADERS = 'X-Total-Count, Link, X-Supabase-Api-Version';

function write(res: http.ServerResponse, reply: Reply, cors: Record<string, string>): void {
  if (reply.kind === 'redirect') {
    res.writeHead(303, { ...cors, Location: reply.location });
    res.end();
    return;
  }
  if (reply.kind === 'empty') {
    res.writeHead(reply.status, { ...cors, ...reply.headers });
    res.end();
    return;
  }
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...cors,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    ...reply.headers,
  });
  res.end(body);
}

/** A running auth server. */
export interface AuthServer {
  server: http.Server;
  deps: AuthDeps;
  /** The bound port. */
  port: number;
  /** Stops accepting requests, waits for in-flight ones, closes pool and workers. */
  close(): Promise<void>;
}

/** Builds the services of a server from its configuration (does not listen). */
export function createDeps(config: AuthConfig): AuthDeps {
  const keys = config.jwt.signingKeysPath ? JwtKeys.fromFile(config.jwt.secret, config.jwt.signingKeysPath) : new JwtKeys(config.jwt.secret);
  return {
    config,
    pool: createPool(config),
    keys,
    bcrypt: new BcryptPool(),
    limits: new RateLimits(config.rateLimit.enabled, config.rateLimit),
    guard: new AccountGuard(config.rateLimit.enabled),
    mailer: new Mailer(config.mail),
  };
}

/** Handles one request end to end, turning every failure into a GoTrue-shaped error. */
export function requestListener(deps: AuthDeps, router: Router): http.RequestListener {
  return (raw, res) => {
    const req = new AuthRequest(raw);
    const apiVersion = req.header('x-supabase-api-version');
    const match = router.match(req.method, req.path);
    const cors = corsHeaders(req.header('origin'));
    if (!match.found) {
      // chi's defaults, which GoTrue keeps.
      if (match.methodNotAllowed) {
        res.writeHead(405, cors);
        res.end();
      } else {
        res.writeHead(404, { ...cors, 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('404 page not found\n');
      }
      raw.resume();
      return;
    }
    req.params = match.params;
    match
      .handler(req)
      .catch((error: unknown) => {
        if (error instanceof ApiError || error instanceof OAuthError) {
          if (error instanceof ApiError && error.status >= 500 && deps.config.logErrors) logFailure(req, error);
          return errorReply(error, apiVersion);
        }
        if (deps.config.logErrors) logFailure(req, error);
        return errorReply(new ApiError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information'), apiVersion);
      })
      .then((reply) => {
        write(res, reply, cors);
        // Drain an unread body (e.g. after an early error) so keep-alive connections stay usable.
        if (!raw.readableEnded) raw.resume();
      })
      .catch(() => res.destroy());
  };
}

function errorReply(error: ApiError | OAuthError, apiVersion: string): Reply {
  const { status, headers, body } = errorResponse(error, apiVersion);
  if (status >= 500 && !('message' in (body as object))) (body as Record<string, unknown>).error_id = randomUUID();
  return { kind: 'json', status, body, headers };
}

/** An error's cause as one line: its message, or the value itself. */
function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return typeof cause === 'string' ? cause : JSON.stringify(cause);
}

function logFailure(req: AuthRequest, error: unknown): void {
  const cause = error instanceof Error && error.cause ? ` (cause: ${describeCause(error.cause)})` : '';
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`[auth] ${req.method} ${req.path} failed: ${message}${cause}\n`);
}

/** Starts a server on `config.host:config.port` (port 0 picks a free one). */
export async function startAuthServer(config: AuthConfig): Promise<AuthServer> {
  const deps = createDeps(config);
  const router = buildRouter(deps);
  const server = http.createServer({ keepAliveTimeout: 65_000 }, requestListener(deps, router));
  // Fail fast with a clear message when the database is unreachable or the role is missing.
  try {
    await deps.pool.query('select 1 from auth.users limit 1');
  } catch (error) {
    deps.mailer.close();
    await Promise.all([deps.pool.end(), deps.bcrypt.close()]);
    throw new Error(`cannot query auth.users as ${config.db.user}@${config.db.host}:${config.db.port}: ${(error as Error).message}`, { cause: error });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    deps,
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      deps.mailer.close();
      await Promise.all([deps.pool.end(), deps.bcrypt.close()]);
    },
  };
}
