/**
 * `POST /functions/v1/use-tool` `{tool_id, expected_price_points}` with an `Idempotency-Key` header
 * (required), for a signed-in user: uses an approved tool in one database transaction
 * (private.use_tool): the usage is recorded with the creator's share and the price is debited from the
 * caller's wallet — only if the price is the one the client expects.
 * - 201 `{usage, balance, replayed: false}` for a new use;
 * - 200 `{usage, balance: null, replayed: true}` (header `Idempotent-Replayed: true`) for a retry with
 *   the same key: the first usage, never a second charge;
 * - 409 `price_changed` (the tool costs another price now; details carry it; nothing written), 403
 *   `own_tool` (a creator cannot use its own tool); without `expected_price_points` (callers from
 *   before it) the approved price is charged;
 * - 422 `insufficient_points` (nothing written), 404 `tool_not_found` (also tools not yet approved), 409 `tool_unavailable` (suspended),
 *   422 `idempotency_key_reused`, 400 `validation_failed` / `invalid_idempotency_key`, 401 `unauthorized`.
 *
 * The function verifies the token itself (_shared/auth.ts: signature, expiry, live session, not banned),
 * so it stays safe with verify_jwt off. The token is checked here without the database; the session
 * check (private.live_session_user) and the use are one SQL statement (no round trips of its own for the check): the use runs only
 * for the row of a live session, and no row means 401 with nothing written. A request that is refused
 * for its header or body asks the session first, so a signed-out caller still hears 401 before anything
 * else, as from requireSession. No read-then-write here.
 */
import { sessionEnded, type SessionLookup, liveSessionInDatabase, type TokenCaller, verifyCaller } from '../_shared/auth.ts';
import { preflight } from '../_shared/cors.ts';
import { database } from '../_shared/database.ts';
import { errorResponse, HttpError, json } from '../_shared/errors.ts';
import { allowMethods, readBody } from '../_shared/request.ts';
import { idempotencyKeyField, useToolSchema } from '../_shared/schemas/marketplace.ts';
import { sqlCall } from '../_shared/sql-errors.ts';

/** What private.use_tool answers. */
export interface ToolUse {
  usage: {
    id: string;
    tool_id: string;
    client_id: string;
    creator_id: string;
    points_charged: number;
    creator_share: number;
    status: 'completed' | 'refunded';
    created_at: string;
  };
  balance: number | null;
  replayed: boolean;
}

/**
 * The database call, replaceable in tests: uses the tool for the caller when the caller's session is
 * live and the user in good standing, else refuses with 401 (`sessionEnded`) and writes nothing.
 */
export type UseTool = (caller: TokenCaller, toolId: string, idempotencyKey: string, expectedPrice: number | null) => Promise<ToolUse>;

/** Who is spending: the verified access token (signature, expiry, claims; no database), replaceable in tests. */
export type Authenticate = (request: Request) => Promise<TokenCaller>;

function idempotencyKey(request: Request): string {
  const key = request.headers.get('idempotency-key');
  if (key === null) {
    throw new HttpError('invalid_idempotency_key', 'Send an Idempotency-Key header: a retry with the same key is never charged twice');
  }
  const parsed = idempotencyKeyField.safeParse(key);
  if (!parsed.success) {
    throw new HttpError('invalid_idempotency_key', 'The Idempotency-Key header is not valid', {
      fieldErrors: { 'Idempotency-Key': ['Use 1 to 200 printable ASCII characters'] },
      formErrors: [],
    });
  }
  return parsed.data;
}

/** The Idempotency-Key header and the body, validated. */
async function readInput(request: Request) {
  const key = idempotencyKey(request);
  return { key, ...(await readBody(request, useToolSchema)) };
}

/**
 * The session check and private.use_tool in one statement, its own transaction: live_session_user
 * yields one row for a live session (none when it has ended, or the user is banned or deleted), and
 * use_tool runs once for that row only.
 */
export const useToolInDatabase: UseTool = async (caller, toolId, key, expectedPrice) => {
  const rows = await sqlCall(
    () =>
      database()<{ result: ToolUse }[]>`
        select private.use_tool(${caller.id}::uuid, ${toolId}::uuid, ${key}, ${expectedPrice}::integer) as result
        from private.live_session_user(${caller.id}::uuid, ${caller.sessionId}::uuid)`,
  );
  if (rows.length === 0) throw sessionEnded();
  return rows[0]!.result;
};

/** Builds the handler; tests pass their own database calls. */
export function useToolHandler(useTool: UseTool = useToolInDatabase, authenticate: Authenticate = verifyCaller, lookup: SessionLookup = liveSessionInDatabase) {
  return async (request: Request): Promise<Response> => {
    if (request.method === 'OPTIONS') return preflight();
    try {
      allowMethods(request, 'POST');
      const caller = await authenticate(request);
      const { key, tool_id, expected_price_points } = await readInput(request).catch(async (invalid: unknown) => {
        // Who asks comes first: a caller whose session has ended hears 401, not what is wrong with the request.
        if (!(await lookup(caller.id, caller.sessionId))) throw sessionEnded();
        throw invalid;
      });
      const result = await useTool(caller, tool_id, key, expected_price_points ?? null);
      return json(result, result.replayed ? 200 : 201, result.replayed ? { 'Idempotent-Replayed': 'true' } : {});
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export const handleUseTool = useToolHandler();
