/**
 * The project's API keys, as the platform hands them to functions. A project has the new keys
 * (`SUPABASE_PUBLISHABLE_KEYS`, `SUPABASE_SECRET_KEYS`: JSON objects of named keys, `default` among
 * them), the legacy JWT keys (`SUPABASE_ANON_KEY`, `SUPABASE_SERVICE_ROLE_KEY`), or both; a project that
 * disabled the legacy keys has only the new ones. The new keys come first: once the legacy keys are
 * disabled their values may still be in the environment, but the gateway refuses them.
 */

function named(variable: string): string[] {
  const raw = Deno.env.get(variable);
  if (!raw) return [];
  try {
    const keys = JSON.parse(raw) as Record<string, unknown>;
    const values = Object.entries(keys)
      .sort(([a], [b]) => (a === 'default' ? -1 : b === 'default' ? 1 : 0))
      .map(([, value]) => value)
      .filter((value): value is string => typeof value === 'string' && value.length > 0);
    return values;
  } catch {
    console.error(`keys: ${variable} is not a JSON object of named keys; ignoring it`);
    return [];
  }
}

function legacy(variable: string): string[] {
  const value = Deno.env.get(variable);
  return value ? [value] : [];
}

/** The key for calls any client may make (Auth's public endpoints): publishable, else the anon key. */
export function publishableKey(): string {
  const key = named('SUPABASE_PUBLISHABLE_KEYS')[0] ?? legacy('SUPABASE_ANON_KEY')[0];
  if (!key) throw new Error('Neither SUPABASE_PUBLISHABLE_KEYS nor SUPABASE_ANON_KEY is set');
  return key;
}

/** The key that acts as the service role (Auth admin API, REST bypassing RLS): secret, else service_role. */
export function secretKey(): string {
  const key = secretKeys()[0];
  if (!key) throw new Error('Neither SUPABASE_SECRET_KEYS nor SUPABASE_SERVICE_ROLE_KEY is set');
  return key;
}

/** Every key in the environment that carries the service role (new secret keys first, then the legacy JWT). */
export function secretKeys(): string[] {
  return [...named('SUPABASE_SECRET_KEYS'), ...legacy('SUPABASE_SERVICE_ROLE_KEY')];
}

/** Whether a key is one of the new opaque `sb_…` keys, which are not JWTs and never go in `Authorization`. */
export function isOpaqueKey(key: string): boolean {
  return key.startsWith('sb_');
}
