/**
 * Reflection over a created SDK client: every namespace (an object built from a class, reached from
 * `kit` through properties) and every public method with its parameter names. The conventions test
 * walks these, so a namespace or method added anywhere is checked without being listed.
 */
import * as sdk from '../../src/sdk/index.ts';
import type { KitClient } from '../../src/sdk/index.ts';

/** The classes the SDK exports. */
export const exportedClasses = new Set<unknown>(Object.values(sdk).filter((value) => typeof value === 'function'));

/** A namespace: an instance of an exported SDK class, or of any other `…Client` but supabase-js's own. */
function isSdkNamespace(value: object): boolean {
  const name = value.constructor.name;
  return exportedClasses.has(value.constructor) || (name.endsWith('Client') && name !== 'SupabaseClient');
}

export interface MethodInfo {
  /** `admin.users.list` */
  path: string;
  name: string;
  params: string[];
  fn: (...args: unknown[]) => unknown;
  owner: object;
}

function isNamespace(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto !== null && proto !== Object.prototype;
}

/** Every namespace reachable from the client (not the raw supabase-js client), with its path. */
export function namespaces(kit: KitClient): [string, object][] {
  const found: [string, object][] = [];
  const seen = new Set<object>();
  const visit = (path: string, value: object) => {
    if (seen.has(value)) return;
    seen.add(value);
    found.push([path, value]);
    for (const [key, child] of Object.entries(value)) {
      if (key === 'supabase' || key.startsWith('_')) continue;
      if (isNamespace(child) && isSdkNamespace(child)) visit(`${path}.${key}`, child);
    }
  };
  for (const [key, value] of Object.entries(kit)) {
    if (key !== 'supabase' && isNamespace(value)) visit(key, value);
  }
  return found;
}

/** The parameter names of a method, read from its source (tsx keeps them). */
export function parameterNames(fn: (...args: unknown[]) => unknown): string[] {
  const source = fn.toString();
  const open = source.indexOf('(');
  let depth = 0;
  let end = open;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '(' || c === '{' || c === '[') depth++;
    if (c === ')' || c === '}' || c === ']') depth--;
    if (depth === 0) {
      end = i;
      break;
    }
  }
  const list = source.slice(open + 1, end);
  const names: string[] = [];
  depth = 0;
  let current = '';
  for (const c of list) {
    if (c === '(' || c === '{' || c === '[') depth++;
    if (c === ')' || c === '}' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      names.push(current);
      current = '';
    } else current += c;
  }
  if (current.trim()) names.push(current);
  return names.map((n) => n.split('=')[0]!.trim()).filter(Boolean);
}

/** Every public method of every namespace. */
export function methods(kit: KitClient): MethodInfo[] {
  const out: MethodInfo[] = [];
  for (const [path, owner] of namespaces(kit)) {
    const proto = Object.getPrototypeOf(owner) as object;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (!descriptor || typeof descriptor.value !== 'function') continue;
      const fn = descriptor.value as (...args: unknown[]) => unknown;
      out.push({ path: `${path}.${name}`, name, params: parameterNames(fn), fn, owner });
    }
  }
  return out;
}
