/**
 * The documentation check (`npm run check:docs`, and a suite of `npm test`): the README,
 * CONTRIBUTING and every page under docs/ must only point at things that exist.
 *
 * 1. Every relative Markdown link resolves to a file or folder in the repository, and its `#anchor`,
 *    if any, to a heading of that page.
 * 2. Every repository path named in backticks (`src/…`, `supabase/…`, `tests/…`, `scripts/…`,
 *    `docs/…`, `.ci/…` or a top-level file) exists; so does every migration named by file name
 *    (`20261123300000_wallet.sql`) and every pgTAP file named by its stem (`210-crm-rls`).
 *    Spans with placeholders (`<module>`, `*`, `…`) are patterns, not paths, and are skipped.
 * 3. Every SDK namespace — each property of the object `createClient` returns in src/sdk/index.ts —
 *    is mentioned as `kit.<namespace>` somewhere in the docs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Pages other work adds, linked before they land. Each entry is tolerated only while the page is
 * missing: once it exists the check fails until the entry is removed, so the list cannot go stale.
 */
export const PENDING_PAGES: readonly string[] = [];

const PATH_PREFIXES = ['src/', 'supabase/', 'tests/', 'scripts/', 'docs/', '.ci/'];
const TOP_LEVEL_FILES = new Set([
  'README.md',
  'CONTRIBUTING.md',
  'package.json',
  'package-lock.json',
  'openapi.json',
  'tsconfig.json',
  'vitest.config.ts',
  'vitest.disruptive.config.ts',
  '.gitignore',
]);
/** Git-ignored files a page may name (created locally, never committed). */
const IGNORED = [/(^|\/)\.env$/, /^\.stack\//, /^node_modules\//, /^supabase\/\.temp\//];

export interface DocsCheck {
  label: string;
  problems: string[];
}

/** README.md, CONTRIBUTING.md and every Markdown file under docs/, as repository-relative paths. */
export function docFiles(base = root): string[] {
  const files = ['README.md', 'CONTRIBUTING.md'].filter((f) => existsSync(path.join(base, f)));
  const walk = (dir: string) => {
    if (!existsSync(path.join(base, dir))) return;
    for (const entry of readdirSync(path.join(base, dir)).sort()) {
      const rel = `${dir}/${entry}`;
      if (statSync(path.join(base, rel)).isDirectory()) walk(rel);
      else if (entry.endsWith('.md')) files.push(rel);
    }
  };
  walk('docs');
  return files;
}

/** The text outside fenced code blocks, with each line's number kept. */
function proseLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced) out.push({ line: i + 1, text: line });
  });
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const found = new Set<string>();
  const counts = new Map<string, number>();
  for (const { text } of proseLines(readFileSync(file, 'utf8'))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const base = slug(heading[1] ?? '');
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    found.add(n === 0 ? base : `${base}-${n}`);
  }
  return found;
}

function checkLinks(files: string[], base: string): DocsCheck {
  const problems: string[] = [];
  const pendingUsed = new Set<string>();
  for (const file of files) {
    for (const { line, text } of proseLines(readFileSync(path.join(base, file), 'utf8'))) {
      const withoutCode = text.replace(/`[^`]*`/g, '');
      for (const match of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = match[1] ?? '';
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
        const [pathPart, anchor] = target.split('#', 2);
        const resolved = pathPart ? path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(pathPart))) : file;
        const where = `${file}:${line}`;
        if (resolved.startsWith('..')) {
          problems.push(`${where}: ${target} points outside the repository`);
          continue;
        }
        if (!existsSync(path.join(base, resolved))) {
          if (PENDING_PAGES.includes(resolved)) pendingUsed.add(resolved);
          else problems.push(`${where}: ${target} does not resolve (${resolved})`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchors(path.join(base, resolved)).has(anchor)) {
          problems.push(`${where}: ${target} names no heading of ${resolved}`);
        }
      }
    }
  }
  for (const page of PENDING_PAGES) {
    if (existsSync(path.join(base, page))) problems.push(`${page} exists now: remove it from PENDING_PAGES in scripts/check-docs.ts`);
  }
  const tolerated = [...pendingUsed].sort();
  const label = tolerated.length ? `every relative link resolves (still missing, tolerated until they land: ${tolerated.join(', ')})` : 'every relative link resolves';
  return { label, problems };
}

/** The repository path a backticked span names, or undefined when it names none. */
export function namedPath(span: string): string | undefined {
  const text = span.trim().replace(/^\.\//, '');
  if (/[\s<>*…{}$|]/.test(text) || text.length === 0) return undefined;
  if (/^\d{14}_[a-z0-9_]+\.sql$/.test(text)) return `supabase/migrations/${text}`;
  if (/^\d{3}-[a-z][a-z0-9-]*$/.test(text)) return `supabase/tests/${text}.test.sql`;
  if (TOP_LEVEL_FILES.has(text)) return text;
  if (!PATH_PREFIXES.some((p) => text.startsWith(p))) return undefined;
  return text.replace(/:\d+$/, '').replace(/\/$/, '');
}

function checkPaths(files: string[], base: string): DocsCheck {
  const problems: string[] = [];
  for (const file of files) {
    for (const { line, text } of proseLines(readFileSync(path.join(base, file), 'utf8'))) {
      for (const match of text.matchAll(/`([^`]+)`/g)) {
        const named = namedPath(match[1] ?? '');
        if (!named || IGNORED.some((re) => re.test(named))) continue;
        if (!existsSync(path.join(base, named))) problems.push(`${file}:${line}: \`${match[1]}\` does not exist`);
      }
    }
  }
  return { label: 'every repository path named in the docs exists', problems };
}

/** The properties of the object literal `createClient` returns in src/sdk/index.ts. */
export function sdkNamespaces(base = root): string[] {
  const source = readFileSync(path.join(base, 'src', 'sdk', 'index.ts'), 'utf8');
  const start = source.search(/export function createClient\b/);
  if (start < 0) return [];
  const ret = source.indexOf('return {', start);
  if (ret < 0) return [];
  let depth = 0;
  let end = ret + 'return '.length;
  for (; end < source.length; end += 1) {
    if (source[end] === '{') depth += 1;
    else if (source[end] === '}' && --depth === 0) break;
  }
  const body = source.slice(ret + 'return {'.length, end);
  const names: string[] = [];
  let level = 0;
  for (const line of body.split('\n')) {
    if (level === 0) {
      const m = /^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)\s*[:,]?\s*/.exec(line);
      if (m?.[1] && !line.trim().startsWith('//') && !line.trim().startsWith('...')) names.push(m[1]);
    }
    level += (line.match(/[({[]/g)?.length ?? 0) - (line.match(/[)}\]]/g)?.length ?? 0);
  }
  return [...new Set(names)];
}

function checkNamespaces(files: string[], base: string): DocsCheck {
  const text = files.map((f) => readFileSync(path.join(base, f), 'utf8')).join('\n');
  const names = sdkNamespaces(base);
  const problems = names.length === 0 ? ['found no namespaces in the object createClient returns (src/sdk/index.ts)'] : [];
  for (const name of names) {
    if (!new RegExp(`\\bkit\\.${name.replace(/\$/g, '\\$')}\\b`).test(text)) problems.push(`SDK namespace kit.${name} is not mentioned in README.md, CONTRIBUTING.md or docs/`);
  }
  return { label: `every SDK namespace is documented (${names.length} in createClient)`, problems };
}

/** Runs every check over the repository at `base`. */
export function checkDocs(base = root): DocsCheck[] {
  const files = docFiles(base);
  return [checkLinks(files, base), checkPaths(files, base), checkNamespaces(files, base)];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let failed = 0;
  for (const check of checkDocs()) {
    for (const problem of check.problems) console.log(`  ${problem}`);
    console.log(`${check.problems.length === 0 ? 'ok' : 'not ok'} - ${check.label}`);
    if (check.problems.length > 0) failed += 1;
  }
  process.exit(failed > 0 ? 1 : 0);
}
