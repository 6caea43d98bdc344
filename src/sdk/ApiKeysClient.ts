/**
 * `kit.marketplace.apiKeys`: a tool creator's API keys. The secret is returned once, by `create`;
 * the database keeps only its hash. Keys are listed by prefix and revoked at once.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { apiKeyCreateSchema, type ApiKeyCreateInput } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import { pagedFromAll, type PageQuery, type PageRequest } from './pages.ts';
import { currentUserId } from './session.ts';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, SdkApiError } from './errors.ts';

import { checkIds, parseInput } from './validation.ts';

export type { ApiKeyCreateInput };

/** An API key as listed: name, prefix, expiry, revocation, last use — never the secret. */
export type ApiKey = Tables<'api_keys'>;

/** A new key with its secret, shown this once. */
export type NewApiKey = Database['public']['Functions']['create_api_key']['Returns'][number];

export class ApiKeysClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Tool creators: creates a key. Store `secret` now: it is never shown again.
   *
   * @example
   * const { data, error } = await kit.marketplace.apiKeys.create({ name: 'Production backend', expires_at: '2027-01-01T00:00:00Z' });
   * if (data) saveSecret(data.secret);
   */
  async create(input: ApiKeyCreateInput): Promise<Result<NewApiKey>> {
    const parsed = parseInput(apiKeyCreateSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const { data, error, status } = await this.supabase
      .rpc('create_api_key', { name: parsed.data.name, ...(parsed.data.expires_at ? { expires_at: parsed.data.expires_at } : {}) })
      .single();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }

  /**
   * Your keys (admins: everyone's), newest first.
   *
   * @example
   * const { data, error } = await kit.marketplace.apiKeys.list();
   * for (const key of data?.items ?? []) console.log(key.prefix, key.revoked_at ? 'revoked' : 'active');
   */
  list(query: PageQuery = {}): PageRequest<ApiKey> {
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
  async revoke(id: string): Promise<Result<ApiKey>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return { data: null, error: invalidId };
    const { data, error, status } = await this.supabase.rpc('revoke_api_key', { api_key_id: id });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    // A SQL function's row result may be null, which the generated type does not say.
    const revoked = data as ApiKey | null;
    if (!revoked) return { data: null, error: new SdkApiError('You have no such API key', 'api_key_not_found', 404) };
    return { data: revoked, error: null };
  }
}
