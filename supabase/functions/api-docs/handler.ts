/**
 * `GET /functions/v1/api-docs` (public): the API documentation pages seed 004 had at `/api/docs/`,
 * `/api/redoc/` and `/api/schema/`, served by a function so they work the same on the local stack
 * and on hosted Supabase:
 *
 * - `/api-docs` — an info page linking everything below, health and PostgREST's own OpenAPI;
 * - `/api-docs/swagger` — Swagger UI over the Edge Functions' document and the tables' (PostgREST);
 * - `/api-docs/redoc` — ReDoc over the Edge Functions' document;
 * - `/api-docs/openapi.json` — the Edge Functions' OpenAPI 3.1 document (as `GET /functions/v1/openapi`);
 * - `/api-docs/rest.json` — PostgREST's OpenAPI (Swagger 2.0) for the tables and RPCs: what an
 *   anonymous caller may use, or with the caller's `Authorization`, what that user may use;
 * - `/api-docs/assets/<file>` — Swagger UI's and ReDoc's files from their npm packages
 *   (`swagger-ui-dist`, `redoc`; _shared/npm-assets.ts), never a CDN.
 */
import { corsHeaders, preflight } from '../_shared/cors.ts';
import { errorResponse, HttpError } from '../_shared/errors.ts';
import { publishableKey } from '../_shared/keys.ts';
import { npmAsset, type NpmPackage } from '../_shared/npm-assets.ts';
import { openApiDocument } from '../_shared/openapi.ts';
import { VERSION } from '../_shared/version.ts';

/** Swagger UI's browser build. */
export const SWAGGER_UI: NpmPackage = {
  name: 'swagger-ui-dist',
  version: '5.35.0',
  integrity: 'sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==',
  files: ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png'],
};

/** ReDoc's standalone bundle. */
export const REDOC: NpmPackage = {
  name: 'redoc',
  version: '2.5.4',
  integrity: 'sha512-M6jWhG1qoBnH6TFmzJnstyCZ87HmOY/UzDm78mHiYihEdlV/YcS9ogOo1NlElnJMeLsyxHFe2yFc4sNjHTrABQ==',
  files: ['bundles/redoc.standalone.js'],
};

const ASSETS: Record<string, { pkg: NpmPackage; file: string; type: string }> = {
  'swagger-ui.css': { pkg: SWAGGER_UI, file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { pkg: SWAGGER_UI, file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
  'swagger-ui-standalone-preset.js': { pkg: SWAGGER_UI, file: 'swagger-ui-standalone-preset.js', type: 'text/javascript; charset=utf-8' },
  'favicon-32x32.png': { pkg: SWAGGER_UI, file: 'favicon-32x32.png', type: 'image/png' },
  'redoc.standalone.js': { pkg: REDOC, file: 'bundles/redoc.standalone.js', type: 'text/javascript; charset=utf-8' },
};

function apiUrl(): string {
  return (Deno.env.get('SUPABASE_URL') ?? 'http://127.0.0.1:54321').replace(/\/+$/, '');
}

function html(body: string): Response {
  return new Response(body, {
    headers: {
      ...corsHeaders,
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    },
  });
}

function page(base: string, title: string, head: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" type="image/png" href="${base}/assets/favicon-32x32.png">
${head}
</head>
<body>
${body}
</body>
</html>
`;
}

/** The `/` page: what this API is and where its documentation lives. */
export function infoPage(base: string): string {
  const api = apiUrl();
  return page(
    base,
    'API documentation',
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}</style>',
    `<h1>API documentation</h1>
<p>Version <code>${VERSION}</code>. Base URL <code>${api}</code>: <code>/rest/v1</code> (tables and SQL functions, PostgREST),
<code>/auth/v1</code> (Supabase Auth), <code>/storage/v1</code> (Storage), <code>/functions/v1</code> (Edge Functions).</p>
<ul>
<li><a href="${base}/swagger">Swagger UI</a> — try the Edge Functions and the tables</li>
<li><a href="${base}/redoc">ReDoc</a> — the Edge Functions, for reading</li>
<li><a href="${base}/openapi.json">openapi.json</a> — the Edge Functions' OpenAPI 3.1 document</li>
<li><a href="${base}/rest.json">rest.json</a> — PostgREST's OpenAPI for the tables and RPCs (also <code>GET ${api}/rest/v1/</code> with an <code>apikey</code>)</li>
<li><a href="${api}/functions/v1/health">health</a> — is the backend up (the smoke test)</li>
</ul>`,
  );
}

export function swaggerPage(base: string): string {
  const urls = JSON.stringify([
    { url: `${base}/openapi.json`, name: 'Edge Functions' },
    { url: `${base}/rest.json`, name: 'Tables and RPCs (PostgREST)' },
  ]);
  return page(
    base,
    'API documentation — Swagger UI',
    `<link rel="stylesheet" href="${base}/assets/swagger-ui.css">`,
    `<div id="swagger-ui"></div>
<script src="${base}/assets/swagger-ui-bundle.js"></script>
<script src="${base}/assets/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({ urls: ${urls}, dom_id: '#swagger-ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });
</script>`,
  );
}

export function redocPage(base: string): string {
  return page(
    base,
    'API documentation — ReDoc',
    '<style>body{margin:0}</style>',
    `<redoc spec-url="${base}/openapi.json"></redoc>
<script src="${base}/assets/redoc.standalone.js"></script>`,
  );
}

/**
 * PostgREST documents what the requesting role may use: anonymous callers see the public tables and
 * functions; a signed-in caller's own `Authorization` is passed on, so they see what they may use.
 */
async function restDocument(request: Request): Promise<Response> {
  // The publishable key (new or legacy): without a caller's token the gateway runs the request as anon.
  const caller = request.headers.get('authorization');
  const response = await fetch(`${apiUrl()}/rest/v1/`, {
    headers: { apikey: publishableKey(), ...(caller ? { authorization: caller } : {}), accept: 'application/openapi+json' },
  });
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    throw new HttpError('unauthorized', 'The token was refused: send none for the public view');
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`PostgREST answered ${response.status} for its OpenAPI document`);
  }
  return new Response(response.body, { headers: { ...corsHeaders, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } });
}

export async function handleApiDocs(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  try {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new HttpError('method_not_allowed', 'Use GET', undefined, { Allow: 'GET, HEAD, OPTIONS' });
    }
    const segments = new URL(request.url).pathname.split('/').filter(Boolean);
    const at = segments.indexOf('api-docs');
    const route = (at >= 0 ? segments.slice(at + 1) : segments).join('/');
    // Absolute links from the API's public URL, so each page works whether or not its URL ends in '/'.
    const base = `${apiUrl()}/functions/v1/api-docs`;
    if (route === '') return html(infoPage(base));
    if (route === 'swagger') return html(swaggerPage(base));
    if (route === 'redoc') return html(redocPage(base));
    if (route === 'openapi.json') {
      return Response.json(openApiDocument(VERSION, apiUrl()), { headers: { ...corsHeaders, 'Cache-Control': 'no-store' } });
    }
    if (route === 'rest.json') return await restDocument(request);
    if (route.startsWith('assets/')) {
      const asset = ASSETS[route.slice('assets/'.length)];
      if (!asset) throw new HttpError('not_found', 'No such file');
      const body = await npmAsset(asset.pkg, asset.file);
      return new Response(body, {
        headers: { ...corsHeaders, 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=86400', 'X-Content-Type-Options': 'nosniff' },
      });
    }
    throw new HttpError('not_found', 'No such page: see /functions/v1/api-docs');
  } catch (error) {
    return errorResponse(error);
  }
}
