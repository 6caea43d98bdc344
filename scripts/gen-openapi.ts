/**
 * `npm run gen:openapi`: writes `openapi.json` (the Edge Functions' OpenAPI 3.1 document, generated from
 * their zod schemas by supabase/functions/_shared/openapi.ts). `-- --check` fails when the file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiDocument } from '../supabase/functions/_shared/openapi.ts';
import { projectRoot } from '../src/stack/config.ts';

const version = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
const file = path.join(projectRoot, 'openapi.json');
const text = `${JSON.stringify(openApiDocument(version), null, 2)}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error('openapi.json is stale: run npm run gen:openapi');
    process.exit(1);
  }
  console.log('openapi.json is current');
} else {
  writeFileSync(file, text);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
