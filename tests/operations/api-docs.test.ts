/**
 * The API documentation pages (seed 004's /api/docs/, /api/redoc/, /api/schema/): the api-docs
 * function serves an info page, Swagger UI and ReDoc from their npm packages (no CDN), the Edge
 * Functions' OpenAPI document and PostgREST's; the seed's /api/test/ smoke check is `health`.
 */
import { describe, expect, it } from 'vitest';
import { createUser, stack } from './support.ts';

const base = () => `${stack.url}/functions/v1/api-docs`;

async function get(path: string): Promise<Response> {
  return fetch(`${base()}${path}`);
}

describe('API documentation pages', () => {
  it('the info page links Swagger UI, ReDoc, both OpenAPI documents and health', async () => {
    const response = await get('');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await response.text();
    for (const link of ['/swagger', '/redoc', '/openapi.json', '/rest.json']) expect(body).toContain(`href="${stack.url}/functions/v1/api-docs${link}"`);
    expect(body).toContain(`${stack.url}/functions/v1/health`);
    expect(body).toContain('/rest/v1/');
  });

  it('Swagger UI and ReDoc pages answer 200 and load their files from the function, never a CDN', async () => {
    for (const page of ['/swagger', '/redoc']) {
      const response = await get(page);
      expect(response.status, page).toBe(200);
      const body = await response.text();
      const sources = [...body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) expect(source.startsWith(base()), source).toBe(true);
      expect(body).toContain(`${base()}/openapi.json`);
    }
  });

  it('serves the npm packages’ assets with their types', async () => {
    const expected: Record<string, [RegExp, string]> = {
      'swagger-ui-bundle.js': [/javascript/, 'SwaggerUIBundle'],
      'swagger-ui-standalone-preset.js': [/javascript/, 'SwaggerUIStandalonePreset'],
      'swagger-ui.css': [/css/, '.swagger-ui'],
      'redoc.standalone.js': [/javascript/, 'Redoc'],
    };
    for (const [file, [type, marker]] of Object.entries(expected)) {
      const response = await get(`/assets/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type'), file).toMatch(type);
      const text = await response.text();
      expect(text.length, file).toBeGreaterThan(10_000);
      expect(text, file).toContain(marker);
    }
    const png = await get('/assets/favicon-32x32.png');
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await png.arrayBuffer()).subarray(1, 4)).toEqual(new TextEncoder().encode('PNG'));
  }, 60_000);

  it('answers both OpenAPI documents: the functions’ (3.1) and PostgREST’s (2.0) with the tables and RPCs', async () => {
    const functions = await get('/openapi.json');
    expect(functions.status).toBe(200);
    const document = (await functions.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/account-staff', '/account-staff/password', '/api-docs/swagger', '/health']));

    const rest = await get('/rest.json');
    expect(rest.status).toBe(200);
    const publicView = (await rest.json()) as { swagger: string; paths: Record<string, unknown> };
    expect(publicView.swagger).toBe('2.0');
    expect(Object.keys(publicView.paths)).toEqual(expect.arrayContaining(['/points_packages']));
    expect(Object.keys(publicView.paths)).not.toContain('/rpc/submit_task');

    // A signed-in user's view: what they may use, the tasks and CRM included.
    const user = await createUser('client');
    const signedIn = await fetch(`${base()}/rest.json`, { headers: { authorization: `Bearer ${user.accessToken}` } });
    expect(signedIn.status).toBe(200);
    const userView = (await signedIn.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(userView.paths)).toEqual(expect.arrayContaining(['/crm_clients', '/rpc/submit_task', '/rpc/remove_account_member']));
    const forged = await fetch(`${base()}/rest.json`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(forged.status).toBe(401);
    await forged.body?.cancel();
  });

  it('unknown pages and files are 404 with the stable error; writes are 405', async () => {
    for (const path of ['/nope', '/assets/package.json', '/assets/..%2F..%2Fetc%2Fpasswd', '/assets/swagger-ui-bundle.js.map']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
    const post = await fetch(`${base()}/swagger`, { method: 'POST' });
    expect(post.status).toBe(405);
    await post.body?.cancel();
  });

  it('the smoke check is health', async () => {
    const response = await fetch(`${stack.url}/functions/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', database: 'ok' });
  });
});
