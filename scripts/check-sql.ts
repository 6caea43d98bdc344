/**
 * `npm run lint:sql`: the SQL layout rules of `supabase/migrations` and `supabase/tests`, checked, never
 * rewritten (a landed migration is never edited). A formatter that reflows PL/pgSQL would rewrite
 * every file, so this checks only what the files already agree on: UTF-8 without BOM, LF line ends,
 * spaces not tabs, no trailing whitespace, one final newline, and lowercase keywords in code (comments,
 * 'strings' and "identifiers" are free text; dollar-quoted function bodies are code and checked too).
 * Why not a formatter: docs/decisions/0010-lint-and-format.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIRS = ['supabase/migrations', 'supabase/tests'];

/** Keywords that must be written in lowercase, as the whole codebase does. */
const KEYWORDS = new Set(
  `select from where insert into update delete create alter drop grant revoke table view function procedure returns
  return language begin end if then else elsif declare as and or not null is on to set values with join left inner
  order by group having limit offset perform raise exception notice security definer invoker comment policy using
  check references primary key default unique index trigger for each row execute loop case when exists in returning
  distinct union all schema type enum extension sequence cascade restrict replace or true false between like ilike
  commit rollback foreign constraint add column owner rename do strict immutable stable volatile out inout setof
  plan finish lock share nowait skip locked`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Landed migrations written before this check, exempt from the rules they break: a landed migration
 * is never edited, so their fix would be a new file that changes nothing. Never add a new file here.
 */
const LANDED_EXCEPTIONS: Record<string, string> = {
  // Function signatures pasted from pg_get_functiondef() (`DEFAULT NULL::text`, a blank last line).
  'supabase/migrations/20261206250000_studio_platform_admin.sql': 'pasted from pg_get_functiondef()',
};

export interface SqlProblem {
  file: string;
  line: number;
  message: string;
}

/** The code of `text` with comments, quoted strings and quoted identifiers blanked (newlines kept). */
export function codeOnly(text: string): string {
  let out = '';
  let i = 0;
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  while (i < text.length) {
    const two = text.slice(i, i + 2);
    if (two === '--') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += blank(text.slice(i, stop));
      i = stop;
    } else if (two === '/*') {
      // Block comments nest in PostgreSQL.
      let depth = 0;
      let j = i;
      do {
        if (text.startsWith('/*', j)) {
          depth += 1;
          j += 2;
        } else if (text.startsWith('*/', j)) {
          depth -= 1;
          j += 2;
        } else j += 1;
      } while (depth > 0 && j < text.length);
      out += blank(text.slice(i, j));
      i = j;
    } else if (text[i] === "'" || text[i] === '"') {
      const quote = text[i];
      // E'…' strings escape with a backslash; the others only by doubling the quote.
      const backslashes = quote === "'" && /[eE]/.test(text[i - 1] ?? '') && !/\w/.test(text[i - 2] ?? '');
      let j = i + 1;
      while (j < text.length) {
        if (backslashes && text[j] === '\\') j += 2;
        else if (text[j] === quote && text[j + 1] === quote) j += 2;
        else if (text[j] === quote) break;
        else j += 1;
      }
      out += blank(text.slice(i, j + 1));
      i = j + 1;
    } else {
      out += text.charAt(i);
      i += 1;
    }
  }
  return out;
}

/** Every rule broken in one file's text. */
export function checkSqlText(file: string, text: string): SqlProblem[] {
  const problems: SqlProblem[] = [];
  const add = (line: number, message: string) => problems.push({ file, line, message });
  if (text.startsWith('\uFEFF')) add(1, 'starts with a byte order mark');
  if (text.includes('\r')) add(1, 'has CR line ends (use LF)');
  if (!text.endsWith('\n')) add(text.split('\n').length, 'has no final newline');
  else if (text.endsWith('\n\n')) add(text.split('\n').length - 1, 'ends with blank lines');
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.includes('\t')) add(index + 1, 'has a tab (use spaces)');
    if (/[ \t]+$/.test(line)) add(index + 1, 'has trailing whitespace');
  });
  codeOnly(text)
    .split('\n')
    .forEach((line, index) => {
      for (const match of line.matchAll(/\b[A-Za-z_]+\b/g)) {
        const word = match[0];
        if (word !== word.toLowerCase() && KEYWORDS.has(word.toLowerCase())) {
          add(index + 1, `keyword ${word} is not lowercase`);
        }
      }
    });
  return problems;
}

/** Problems in every `.sql` file of the checked folders. */
export function checkSql(): SqlProblem[] {
  return DIRS.flatMap((dir) =>
    readdirSync(path.join(root, dir))
      .filter((name) => name.endsWith('.sql'))
      .sort()
      .map((name) => `${dir}/${name}`)
      .filter((file) => !(file in LANDED_EXCEPTIONS))
      .flatMap((file) => checkSqlText(file, readFileSync(path.join(root, file), 'utf8'))),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkSql();
  for (const p of problems) console.log(`${p.file}:${p.line}: ${p.message}`);
  console.log(problems.length === 0 ? 'SQL layout: no problems' : `SQL layout: ${problems.length} problem(s)`);
  process.exit(problems.length === 0 ? 0 : 1);
}
