/**
 * `GET /functions/v1/openapi` (public): the OpenAPI 3.1 document of every Edge Function, generated
 * from their zod schemas (`_shared/openapi.ts`). PostgREST documents the tables at `GET /rest/v1/`.
 */
import { corsHeaders, preflight } from '../_shared/cors.ts';
import { errorResponse } from '../_shared/errors.ts';
import { openApiDocument } from '../_shared/openapi.ts';
import { instrument } from '../_shared/request-metrics.ts';
import { allowMethods } from '../_shared/request.ts';
import { VERSION } from '../_shared/version.ts';

export function handleOpenApi(request: Request): Response {
  if (request.method === 'OPTIONS') return preflight();
  try {
    allowMethods(request, 'GET');
    const server = Deno.env.get('SUPABASE_URL') ?? 'http://127.0.0.1:54321';
    return Response.json(openApiDocument(VERSION, server), { headers: { ...corsHeaders, 'Cache-Control': 'no-store' } });
  } catch (error) {
    return errorResponse(error);
  }
}

Deno.serve(instrument('openapi', handleOpenApi));
