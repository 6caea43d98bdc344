/**
 * The Edge Functions' OpenAPI document: served by the `openapi` function, one entry for every
 * function, request schemas generated from the zod schemas the functions validate with — so a body the
 * documented schema rejects is also rejected by the function (400 validation_failed).
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonSchema, operations } from '../../supabase/functions/_shared/openapi.ts';
import { createUser, stack, type TestUser } from './support.ts';

const functionsDir = path.resolve(import.meta.dirname, '../../supabase/functions');
const functionNames = readdirSync(functionsDir).filter((name) => !name.startsWith('_') && statSync(path.join(functionsDir, name)).isDirectory());

interface Document {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: { 'application/json': { schema: unknown } } } }>>;
}

describe('GET /functions/v1/openapi', () => {
  let document: Document;
  let admin: TestUser;
  beforeAll(async () => {
    const response = await fetch(`${stack.url}/functions/v1/openapi`);
    expect(response.status).toBe(200);
    document = (await response.json()) as Document;
    admin = await createUser('admin');
  });

  it('is an OpenAPI 3.1 document with an entry for every Edge Function', () => {
    expect(document.openapi).toBe('3.1.0');
    const documented = new Set(Object.keys(document.paths).map((p) => p.split('/')[1]));
    expect(functionNames.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('documents each request body with the JSON Schema of the zod schema the function uses', () => {
    for (const op of operations.filter((o) => o.body)) {
      const entry = document.paths[`/${op.fn}${op.subpath ?? ''}`]?.[op.method];
      expect(entry?.requestBody?.content['application/json'].schema, op.fn).toEqual(jsonSchema(op.body!));
    }
  });

  it('rejects in the function what the documented schema rejects', async () => {
    const checked: string[] = [];
    for (const op of operations.filter((o) => o.body && !o.subpath)) {
      const properties = Object.keys((jsonSchema(op.body!) as { properties?: Record<string, unknown> }).properties ?? {});
      const bad: unknown[] = [[], ...(properties.length ? [{ [properties[0]!]: { not: ['a', 'valid', 'value'] } }] : [])];
      for (const body of bad) {
        expect(op.body!.safeParse(body).success, `${op.fn} schema accepts ${JSON.stringify(body)}`).toBe(false);
        const headers: Record<string, string> = { 'content-type': 'application/json', apikey: stack.publishableKey, 'idempotency-key': randomUUID() };
        if (op.auth.includes('service_role')) headers.apikey = stack.secretKey;
        else if (!op.auth.includes('none')) headers.authorization = `Bearer ${admin.accessToken}`;
        const response = await fetch(`${stack.url}/functions/v1/${op.fn}`, { method: 'POST', headers, body: JSON.stringify(body) });
        const answer = (await response.json()) as { error?: { code: string } };
        // A stack without Stripe settings refuses every payments route before reading the body.
        if (answer.error?.code === 'payments_not_configured') continue;
        expect(`${op.fn} ${response.status} ${answer.error?.code}`).toBe(`${op.fn} 400 validation_failed`);
      }
      checked.push(op.fn);
    }
    expect(checked.length).toBeGreaterThanOrEqual(10);
  });
});
