/**
 * CORS headers for browser calls, the same set `@supabase/supabase-js/cors` exports, so every
 * header supabase-js sends is allowed. Functions answer OPTIONS themselves, as on hosted Supabase.
 */
export const corsHeaders = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'authorization, x-client-info, apikey, content-type, x-retry-count, idempotency-key, x-api-key',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
} as const;

/** The answer to a CORS preflight. */
export function preflight(): Response {
  return new Response('ok', { headers: corsHeaders });
}
