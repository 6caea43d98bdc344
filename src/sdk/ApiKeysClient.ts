/**
 * `kit.marketplace.apiKeys`: a tool creator's API keys. The secret is returned once, by `create`;
 * the database keeps only its hash. Keys are listed by prefix and revoked at once.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { apiKeyCreateSchema, type ApiKeyCreateInput } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import { pagedFromAll, type PageQuery, type PageRequest } from './pages.ts';
import { currentUserId } from './session.ts';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, type RpcErrorCodes, SdkApiError, withCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import { badKey, keyedBy } from './postgrest.ts';
import { checkIds, parseInput } from './validation.ts';

export type { ApiKeyCreateInput };

/** An API key as listed: name, prefix, expiry, revocation, last use — never the secret. */
export type ApiKey = Tables<'api_keys'>;

/**
 * A new key with its secret, shown this once. `secret` is `null` when the call was a replay (its
 * `idempotencyKey` had already created this key, e.g. an automatic retry after the first answer was
 * lost): the secret was in that first answer only and is stored nowhere, so it cannot be shown again.
 * If you do not have it, revoke the key (`id`) and create another.
 */
export type NewApiKey = Omit<Database['public']['Functions']['create_api_key']['Returns'][number], 'secret'> & { secret: string | null };

/** The codes `create` can answer besides the common ones. */
export type ApiKeyCreateErrorCode = RpcErrorCodes['create_api_key'];

/** The codes `revoke` can answer besides the common ones. */
export type ApiKeyRevokeErrorCode = RpcErrorCodes['revoke_api_key'];

export class ApiKeysClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Tool creators: creates a key. Store `secret` now: it is never shown again. Idempotent: a retry with
   * the same `idempotencyKey` (generated when absent, retried automatically after a network failure)
   * creates nothing and answers the same key with `secret: null` — the secret was in the first answer
   * only and is stored nowhere (revoke the key and create another if that answer was lost); the same
   * key with another name or expiry is `idempotency_key_reused`.
   *
   * @example
   * const { data, error } = await kit.marketplace.apiKeys.create({ name: 'Production backend', expires_at: '2027-01-01T00:00:00Z' }, { idempotencyKey: requestId });
   * if (data?.secret) saveSecret(data.secret);
   * else if (data) console.log(`key ${data.prefix} was created by an earlier attempt: its secret is not shown again`);
   * else if (error?.code === 'too_many_api_keys') console.log('revoke a key first');
   */
  create(input: ApiKeyCreateInput, options: MutationOptions = {}): Promise<Result<NewApiKey, ApiKeyCreateErrorCode>> {
    return this.#create(input, options).then(withCodes<ApiKeyCreateErrorCode, NewApiKey>);
  }

  /** The implementation of `create` (its result carries any `SdkError`). */
  async #create(input: ApiKeyCreateInput, options: MutationOptions): Promise<Result<NewApiKey>> {
    const parsed = parseInput(apiKeyCreateSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const invalidKey = badKey(options);
    if (invalidKey) return { data: null, error: invalidKey };
    const request = this.supabase.rpc('create_api_key', { name: parsed.data.name, ...(parsed.data.expires_at ? { expires_at: parsed.data.expires_at } : {}) });
    const { data, error, status } = await keyedBy(request, options).single();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    // The generated type says `secret` is a string; a replay answers it as null (NewApiKey says so).
    return { data, error: null };
  }

  /**
   * Your keys (admins: everyone's), newest first.
   *
   * @example
   * const { data, error } = await kit.marketplace.apiKeys.list();
   * for (const key of data?.items ?? []) console.log(key.prefix, key.revoked_at ? 'revoked' : 'active');
   */
  list(query: PageQuery = {}): PageRequest<ApiKey, never> {
    return pagedFromAll(query, () => this.#listAll());
  }

  async #listAll(): Promise<Result<ApiKey[]>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    const { data, error, status } = await this.supabase.from('api_keys').select('*').order('created_at', { ascending: false });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }

  /**
   * Revokes one of your keys, at once and for good.
   *
   * @example
   * const { data, error } = await kit.marketplace.apiKeys.revoke(keyId);
   */
  revoke(id: string, options?: MutationOptions): Promise<Result<ApiKey, ApiKeyRevokeErrorCode>> {
    return this.#revoke(id, options).then(withCodes<ApiKeyRevokeErrorCode, ApiKey>);
  }

  /** The implementation of `revoke` (its result carries any `SdkError`). */
  async #revoke(id: string, options?: MutationOptions): Promise<Result<ApiKey>> {
    const invalidId = checkIds({ id: id }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const { data, error, status } = await keyedBy(this.supabase.rpc('revoke_api_key', { api_key_id: id }), options);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    // A SQL function's row result may be null, which the generated type does not say.
    const revoked = data as ApiKey | null;
    if (!revoked) return { data: null, error: new SdkApiError('You have no such API key', 'api_key_not_found', 404) };
    return { data: revoked, error: null };
  }
}
