/**
 * Attack: use the secret key (`sb_secret_…`, service_role rights) from a web page. Hosted Supabase's
 * gateway refuses it from a browser (recognised by its User-Agent) with 401, so a key leaked into a
 * frontend fails at once instead of working. Ours refused it on /rest/v1 and /auth/v1 only; the
 * functions (job-worker, metrics, every admin flow) took it. Now every route refuses it.
 */
import { describe, expect, it } from 'vitest';
import { directFetch } from '../helpers/client-address.ts';
import { responseBody } from '../helpers/http.ts';
import { stack } from '../helpers/stack.ts';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

const routes: [string, string, string | undefined][] = [
  ['POST', '/functions/v1/job-worker', JSON.stringify({ max_jobs: 1 })],
  ['GET', '/functions/v1/metrics', undefined],
  ['GET', '/functions/v1/health', undefined],
  ['GET', '/rest/v1/profiles?select=id&limit=1', undefined],
  ['GET', '/auth/v1/admin/users', undefined],
  ['GET', '/auth/v1/verify?token=x&type=signup&redirect_to=http://127.0.0.1:3000', undefined],
];

describe('the secret key from a browser', () => {
  for (const [method, path, body] of routes) {
    it(`is refused with 401 on ${method} ${path.split('?')[0]}`, async () => {
      for (const [agent, headers] of [
        [CHROME, { apikey: stack.secretKey }],
        [FIREFOX, { apikey: stack.secretKey, Authorization: `Bearer ${stack.secretKey}` }],
      ] as const) {
        const response = await directFetch(`${stack.url}${path}`, {
          method,
          headers: { ...headers, 'User-Agent': agent, 'Content-Type': 'application/json' },
          body,
          redirect: 'manual',
        });
        expect(response.status, `${agent.slice(0, 40)} ${JSON.stringify(Object.keys(headers))}`).toBe(401);
        expect(await responseBody(response)).toMatchObject({ message: 'Forbidden use of secret API key in browser' });
      }
    });
  }

  it('a function cannot be reached with the secret key in Authorization alone either', async () => {
    const response = await directFetch(`${stack.url}/functions/v1/job-worker`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.secretKey}`, 'User-Agent': CHROME, 'Content-Type': 'application/json' },
      body: JSON.stringify({ max_jobs: 1 }),
    });
    expect(response.status).toBe(401);
  });

  it('still works from a server (no browser User-Agent), where it belongs', async () => {
    const response = await directFetch(`${stack.url}/functions/v1/job-worker`, {
      method: 'POST',
      headers: { apikey: stack.secretKey, 'User-Agent': 'node', 'Content-Type': 'application/json' },
      body: JSON.stringify({ max_jobs: 1, types: ['diagnostics.echo'] }),
    });
    expect(response.status).toBe(200);
  });
});
