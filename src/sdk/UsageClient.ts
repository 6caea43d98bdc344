/**
 * `kit.marketplace.usage`: using a tool (one call through the use-tool function: the price is debited
 * and the usage recorded in one transaction, never twice for one idempotency key), the usages you may
 * see (a client's own, a creator's tools'), and verifying a usage with a creator's API key.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { idempotencyKeyField, useToolSchema } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import type { Database, Enums, Tables } from './database.types.ts';
import { errorFromPostgrest, type FunctionErrorCodes, type PrivateFunctionErrorCodes, type Result, SdkApiError, SdkValidationError, withCodes } from './errors.ts';
import { functionsError, type MutationOptions } from './functions.ts';
import { idempotencyKey, pageOf } from './postgrest.ts';
import { paged, type PageRequest, type Page, type PageQuery, toPage } from './pages.ts';
import { checkIds, parseInput } from './validation.ts';

export type Usage = Tables<'usages'>;
export type UsageStatus = Enums<'usage_status'>;

/** What using a tool answers. */
export interface ToolUse {
  usage: Pick<Usage, 'id' | 'tool_id' | 'client_id' | 'creator_id' | 'points_charged' | 'creator_share' | 'status' | 'created_at'>;
  /** The balance right after the charge; on a replay (nothing charged again), the balance now. */
  balance: number;
  /** True when the idempotency key had been used already: the first usage, nothing charged again. */
  replayed: boolean;
}

/** A usage as a creator's backend verifies it with an API key. */
export interface VerifiedUsage {
  id: string;
  tool_id: string;
  tool_name: string;
  client_id: string;
  points_charged: number;
  creator_share: number;
  status: UsageStatus;
  created_at: string;
}

/** What `verifyWithApiKey` sends: the creator's API key (`mk_…`, shown once by `kit.marketplace.apiKeys.create`). */
export interface ApiKeyInput {
  api_key: string;
}

/** The codes `use` can answer besides the common ones. */
export type UsageUseErrorCode = PrivateFunctionErrorCodes['use_tool'] | 'idempotency_key_in_use';

/** The codes `get` can answer besides the common ones. */
export type UsageGetErrorCode = 'usage_not_found';

/** The codes `verifyWithApiKey` can answer besides the common ones. */
export type UsageVerifyErrorCode = FunctionErrorCodes['creator-api'];

/** Filters of `list`. */
export interface UsageQuery extends PageQuery {
  tool_id?: string;
  status?: UsageStatus;
}

export class UsageClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Uses an approved tool at the price you expect (the `price_points` you showed the user): debits it
   * from your wallet and records the usage. A tool that costs anything else now is refused with
   * `price_changed` (409, `error.details.price_points` is the current price) and nothing is charged;
   * read the tool again and confirm. Pass your own `idempotencyKey` to make retries safe across calls
   * (one is generated otherwise); a retry answers the first usage with `replayed: true` and charges
   * nothing. `insufficient_points` writes nothing; `own_tool` (403): creators cannot use their own tools.
   *
   * @example
   * const { data: tool } = await kit.marketplace.tools.get(toolId);
   * const { data, error } = await kit.marketplace.usage.use(toolId, { expected_price_points: tool!.price_points }, { idempotencyKey: orderId });
   * if (error?.code === 'price_changed') console.log('the price changed: ask again');
   * else if (error?.code === 'insufficient_points') console.log('top up first');
   * else console.log(`usage ${data?.usage.id}, ${data?.balance} points left`);
   */
  use(toolId: string, input: { expected_price_points: number }, options: MutationOptions = {}): Promise<Result<ToolUse, UsageUseErrorCode>> {
    return this.#use(toolId, input, options).then(withCodes<UsageUseErrorCode, ToolUse>);
  }

  /** The implementation of `use` (its result carries any `SdkError`). */
  async #use(toolId: string, input: { expected_price_points: number }, options: MutationOptions = {}): Promise<Result<ToolUse>> {
    const invalidId = checkIds({ tool_id: toolId });
    if (invalidId) return { data: null, error: invalidId };
    const body = parseInput(useToolSchema, { tool_id: toolId, expected_price_points: (input as { expected_price_points?: unknown } | undefined)?.expected_price_points });
    if (body.error) return { data: null, error: body.error };
    if (body.data.expected_price_points === undefined) {
      return { data: null, error: new SdkValidationError("Say what price you expect to pay (the tool's price_points)") };
    }
    const key = idempotencyKey(options);
    if (!idempotencyKeyField.safeParse(key).success)
      return { data: null, error: new SdkValidationError('The idempotency key is not valid: use 1 to 200 printable ASCII characters') };
    // supabase-js types a failure's error as any.
    const response: { data: ToolUse | null; error: unknown } = await this.supabase.functions.invoke<ToolUse>('use-tool', {
      method: 'POST',
      body: body.data,
      headers: { 'Idempotency-Key': key },
    });
    const { data, error } = response;
    if (error) return { data: null, error: await functionsError(error) };
    const used = data as Omit<ToolUse, 'balance'> & { balance: number | null };
    if (used.balance !== null) return { data: { ...used, balance: used.balance }, error: null };
    // A replay charges nothing; the function does not repeat the balance, so read it.
    const wallet = await this.supabase.rpc('get_wallet').single();
    if (wallet.error) return { data: null, error: errorFromPostgrest(wallet.error, wallet.status) };
    return { data: { ...used, balance: (wallet.data as { balance: number }).balance }, error: null };
  }

  /**
   * Usages you may see, newest first: a client's own; a creator's tools'; all for admins.
   *
   * @example
   * const { data, error } = await kit.marketplace.usage.list({ page: 1, per_page: 20 });
   */
  list(query: UsageQuery = {}): PageRequest<Usage, never> {
    return paged<Usage, UsageQuery, never>(query, (q) => this.#listPage(q));
  }

  async #listPage(query: UsageQuery): Promise<Result<Page<Usage>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const { page, perPage, from, to } = range;
    let request = this.supabase.from('usages').select('*', { count: 'exact' });
    if (query.tool_id) request = request.eq('tool_id', query.tool_id);
    if (query.status) request = request.eq('status', query.status);
    const { data, error, status, count } = await request.order('seq', { ascending: false }).range(from, to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, page, perPage), error: null };
  }

  /**
   * One usage you may see.
   *
   * @example
   * const { data, error } = await kit.marketplace.usage.get(usageId);
   */
  get(id: string): Promise<Result<Usage, UsageGetErrorCode>> {
    return this.#get(id).then(withCodes<UsageGetErrorCode, Usage>);
  }

  /** The implementation of `get` (its result carries any `SdkError`). */
  async #get(id: string): Promise<Result<Usage>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return { data: null, error: invalidId };
    const { data, error, status } = await this.supabase.from('usages').select('*').eq('id', id).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No usage you may see has this id', 'usage_not_found', 404) };
    return { data, error: null };
  }

  /**
   * For a creator's backend: checks with an API key (`input.api_key`, sent as `x-api-key`) that a usage
   * is one of the creator's tools' (`usage_not_found` otherwise). `status` says whether it has been
   * refunded since. `invalid_api_key`, `api_key_revoked`, `api_key_expired` for a key that does not work.
   *
   * @example
   * const { data, error } = await kit.marketplace.usage.verifyWithApiKey(usageId, { api_key: process.env.MARKETPLACE_API_KEY! });
   * if (data?.status === 'completed') deliver(data.client_id);
   * else if (error?.code === 'api_key_revoked') console.log('create a new key');
   */
  verifyWithApiKey(usageId: string, input: ApiKeyInput): Promise<Result<VerifiedUsage, UsageVerifyErrorCode>> {
    return this.#verifyWithApiKey(usageId, input).then(withCodes<UsageVerifyErrorCode, VerifiedUsage>);
  }

  /** The implementation of `verifyWithApiKey` (its result carries any `SdkError`). */
  async #verifyWithApiKey(usageId: string, input: ApiKeyInput): Promise<Result<VerifiedUsage>> {
    const invalidId = checkIds({ usage_id: usageId });
    if (invalidId) return { data: null, error: invalidId };
    // supabase-js types a failure's error as any.
    const response: { data: VerifiedUsage | null; error: unknown } = await this.supabase.functions.invoke<VerifiedUsage>(`creator-api/usages/${encodeURIComponent(usageId)}`, {
      method: 'GET',
      headers: { 'x-api-key': (input as Partial<ApiKeyInput> | undefined)?.api_key ?? '' },
    });
    const { data, error } = response;
    if (error) return { data: null, error: await functionsError(error) };
    return { data: data!, error: null };
  }
}
