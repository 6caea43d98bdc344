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
 * so it stays safe with verify_jwt off. One statement on the direct connection, no read-then-write here.
 */
import { requireSession } from '../_shared/auth.ts';
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

/** The database call, replaceable in tests. */
export type UseTool = (clientId: string, toolId: string, idempotencyKey: string, expectedPrice: number | null) => Promise<ToolUse>;

/** Who is spending: the signed-in user of a live session (token, session and ban checked), replaceable in tests. */
export type Authenticate = (request: Request) => Promise<string>;

export const liveSessionUser: Authenticate = async (request) => (await requireSession(request)).id;

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

/** private.use_tool on the functions' direct connection: one statement, its own transaction. */
export const useToolInDatabase: UseTool = async (clientId, toolId, key, expectedPrice) => {
  const [row] = await sqlCall(() => database()<{ result: ToolUse }[]>`select private.use_tool(${clientId}, ${toolId}, ${key}, ${expectedPrice}::integer) as result`);
  return row!.result;
};

/** Builds the handler; tests pass their own database call. */
export function useToolHandler(useTool: UseTool = useToolInDatabase, authenticate: Authenticate = liveSessionUser) {
  return async (request: Request): Promise<Response> => {
    if (request.method === 'OPTIONS') return preflight();
    try {
      allowMethods(request, 'POST');
      const clientId = await authenticate(request);
      const key = idempotencyKey(request);
      const { tool_id, expected_price_points } = await readBody(request, useToolSchema);
      const result = await useTool(clientId, tool_id, key, expected_price_points ?? null);
      return json(result, result.replayed ? 200 : 201, result.replayed ? { 'Idempotent-Replayed': 'true' } : {});
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export const handleUseTool = useToolHandler();
