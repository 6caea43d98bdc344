/**
 * Writes src/sdk/error-codes.ts: the catalogue of error codes the SDK can answer, collected from their
 * sources so `SdkErrorCode` autocompletes every one of them — the SQL functions' codes (raised with
 * `*raise*(…, 'code', …)` or `'code', 'x'` in the migrations), the SDK's own (`new SdkApiError(…, 'code', status)`)
 * and Supabase Auth's (auth-js). The Edge Functions' codes are the `ErrorCode` union of
 * supabase/functions/_shared/errors.ts, which the SDK imports as a type. `npm run gen:error-codes`;
 * tests/sdk/error-codes.test.ts fails when the file is out of date.
 *
 * Per call, from the same migrations: `RpcErrorCodes` maps each public SQL function to the codes it can
 * raise (its own and those of the private functions it calls, transitively; the last definition of a
 * function wins), and `TableWriteErrorCodes` maps each public table to the codes its triggers raise.
 * `FunctionErrorCodes` maps each Edge Function (a folder of supabase/functions) to the codes it answers:
 * the `HttpError('code', …)` of its own files and the shared files they import (transitively), and the
 * codes of the private SQL functions it calls that pass through as they are (`httpErrorFromSql` keeps a
 * code the functions' `ErrorCode` union knows and answers any other by its status).
 * The SDK's methods declare `Result<T, RpcErrorCodes['submit_feedback'] | …>` from them.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const OUTPUT = `${root}src/sdk/error-codes.ts`;

function collect(texts: string[], patterns: RegExp[]): string[] {
  const codes = new Set<string>();
  for (const text of texts) for (const pattern of patterns) for (const match of text.matchAll(pattern)) codes.add(match[1]!);
  return [...codes].sort();
}

function read(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => readFileSync(`${dir}/${name}`, 'utf8'));
}

const CODE_PATTERNS = [/\b(?:\w*raise\w*|refuse)\(\s*(?:\d+\s*,\s*)?'([a-z][a-z0-9_]*)'/g, /'code'\s*,\s*'([a-z][a-z0-9_]*)'/g];

/** Per SQL function (schema.name): the codes its body raises and the functions it calls. */
interface FunctionFacts {
  codes: Set<string>;
  calls: Set<string>;
  writes: Set<string>;
}

function functionBodies(migrations: string[]): Map<string, FunctionFacts> {
  const functions = new Map<string, FunctionFacts>();
  const definition = /create\s+(?:or\s+replace\s+)?function\s+(public|private)\.(\w+)\s*\([\s\S]*?\bas\s+(\$\w*\$)([\s\S]*?)\3/gi;
  for (const text of migrations) {
    for (const match of text.matchAll(definition)) {
      const body = match[4]!;
      const codes = new Set(collect([body], CODE_PATTERNS));
      const calls = new Set([...body.matchAll(/\b(private|public)\.(\w+)\s*\(/g)].map((m) => `${m[1]}.${m[2]}`));
      const writes = new Set([...body.matchAll(/\b(?:insert\s+into|update)\s+public\.(\w+)/gi)].map((m) => m[1]!));
      functions.set(`${match[1]}.${match[2]}`.toLowerCase(), { codes, calls, writes });
    }
  }
  return functions;
}

/** Every code a function can raise, following its calls (and, with `tables`, the triggers of the tables it writes). */
function reachableCodes(functions: Map<string, FunctionFacts>, name: string, tables?: Map<string, Set<string>>, seen = new Set<string>()): Set<string> {
  const codes = new Set<string>();
  if (seen.has(name)) return codes;
  seen.add(name);
  const fn = functions.get(name);
  if (!fn) return codes;
  for (const code of fn.codes) codes.add(code);
  for (const table of tables ? fn.writes : []) for (const code of tables!.get(table) ?? []) codes.add(code);
  for (const callee of fn.calls) for (const code of reachableCodes(functions, callee, tables, seen)) codes.add(code);
  return codes;
}

/** Per public table: the codes of the functions its triggers run. */
function tableTriggerCodes(migrations: string[], functions: Map<string, FunctionFacts>): Map<string, Set<string>> {
  const tables = new Map<string, Set<string>>();
  const trigger = /create\s+trigger\s+\w+\s+(?:before|after)\s+[\s\S]*?\bon\s+public\.(\w+)[\s\S]*?execute\s+(?:function|procedure)\s+(public|private)\.(\w+)/gi;
  for (const text of migrations) {
    for (const match of text.matchAll(trigger)) {
      const codes = tables.get(match[1]!) ?? new Set<string>();
      for (const code of reachableCodes(functions, `${match[2]}.${match[3]}`.toLowerCase())) codes.add(code);
      tables.set(match[1]!, codes);
    }
  }
  return tables;
}

const FUNCTIONS_DIR = `${root}supabase/functions`;

/** The files an Edge Function's entry point reaches through relative imports (tests left out). */
function functionFiles(entry: string): string[] {
  const files: string[] = [];
  const visit = (file: string) => {
    if (files.includes(file) || !existsSync(file) || /[._]test\.ts$/.test(file)) return;
    files.push(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+\.ts)'/g)) visit(resolve(dirname(file), match[1]!));
  };
  visit(entry);
  return files;
}

/** Per Edge Function: the codes it answers (its own, its shared files' and its SQL calls'). */
function edgeFunctionCodes(functions: Map<string, FunctionFacts>, tables: Map<string, Set<string>>): [string, Set<string>][] {
  const errorsSource = readFileSync(`${FUNCTIONS_DIR}/_shared/errors.ts`, 'utf8');
  const known = new Set(collect([/export type ErrorCode =([^;]*);/.exec(errorsSource)?.[1] ?? ''], [/'([a-z][a-z0-9_]*)'/g]));
  const out: [string, Set<string>][] = [];
  for (const name of readdirSync(FUNCTIONS_DIR).sort()) {
    const entry = `${FUNCTIONS_DIR}/${name}/index.ts`;
    if (name.startsWith('_') || !statSync(`${FUNCTIONS_DIR}/${name}`).isDirectory() || !existsSync(entry)) continue;
    const texts = functionFiles(entry).map((file) => readFileSync(file, 'utf8'));
    const codes = new Set(collect(texts, [/\bHttpError\(\s*\(?(?:[^,'()]*\?\?\s*)?'([a-z][a-z0-9_]*)'/g]));
    for (const text of texts) {
      for (const call of text.matchAll(/\bprivate\.(\w+)\s*\(/g)) {
        for (const code of reachableCodes(functions, `private.${call[1]}`.toLowerCase(), tables)) if (known.has(code)) codes.add(code);
      }
    }
    out.push([`'${name}'`, codes]);
  }
  return out;
}

function unionMap(entries: [string, Set<string>][]): string {
  return entries
    .filter(([, codes]) => codes.size > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, codes]) =>
        `  ${name}: ${[...codes]
          .sort()
          .map((code) => `'${code}'`)
          .join(' | ')};`,
    )
    .join('\n');
}

/** The file's text, from the current sources. */
export function render(): string {
  const migrations = read(`${root}supabase/migrations`, '.sql');
  const sql = collect(migrations, CODE_PATTERNS);
  const functions = functionBodies(migrations);
  const triggerCodes = tableTriggerCodes(migrations, functions);
  const rpcs = [...functions.keys()]
    .filter((name) => name.startsWith('public.'))
    .map((name) => [name.slice('public.'.length), reachableCodes(functions, name, triggerCodes)] as [string, Set<string>]);
  const tables = [...triggerCodes.entries()];
  const privates = [...functions.keys()]
    .filter((name) => name.startsWith('private.'))
    .map((name) => [name.slice('private.'.length), reachableCodes(functions, name, triggerCodes)] as [string, Set<string>]);
  const edgeFunctions = edgeFunctionCodes(functions, triggerCodes);
  const sdk = collect(read(`${root}src/sdk`, '.ts'), [/SdkApiError\([^;]*?'([a-z][a-z0-9_]*)', \d{3}/g, /^\s+'?\d{3}'?: '([a-z][a-z0-9_]*)',$/gm]);
  const authTypes = readFileSync(`${root}node_modules/@supabase/auth-js/dist/module/lib/error-codes.d.ts`, 'utf8');
  const auth = collect([/export type ErrorCode =([^;]*);/.exec(authTypes)?.[1] ?? ''], [/'([a-z][a-z0-9_]*)'/g]);
  const list = (codes: string[]) => codes.map((code) => `  '${code}',`).join('\n');
  return `// Generated by scripts/gen-error-codes.ts (npm run gen:error-codes) — do not edit.
/** Codes raised by the SQL functions (PostgREST passes them through as \`error.code\`). */
export const SQL_ERROR_CODES = [
${list(sql)}
] as const;

/** Codes the SDK answers itself. */
export const SDK_ERROR_CODES = [
${list(sdk)}
] as const;

/** Supabase Auth's codes (auth-js), which the SDK passes through. */
export const AUTH_ERROR_CODES = [
${list(auth)}
] as const;

/** Per public SQL function (RPC): the codes it can raise, its own and those of the functions it calls. */
export interface RpcErrorCodes {
${unionMap(rpcs)}
}

/** Per private SQL function (called by the Edge Functions): the codes it can raise. */
export interface PrivateFunctionErrorCodes {
${unionMap(privates)}
}

/** Per public table: the codes its triggers can raise on a write. */
export interface TableWriteErrorCodes {
${unionMap(tables)}
}

/**
 * Per Edge Function: the codes it answers — its own \`HttpError\`s, those of the shared files it
 * imports and those of the private SQL functions it calls that it passes through.
 */
export interface FunctionErrorCodes {
${unionMap(edgeFunctions)}
}
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OUTPUT, render());
  console.log(`wrote ${OUTPUT}`);
}
