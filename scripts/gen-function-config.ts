/**
 * `npm run gen:function-config`: writes `supabase/functions/<name>/deno.json` for every function from
 * the one shared `supabase/functions/deno.json` (its `imports` and `compilerOptions`), so the versions
 * live in one place. `supabase functions deploy` bundles each function with only its own import map (the
 * `import_map` of its `[functions.<name>]` block, else its folder's `deno.json`); the shared file is
 * never read at deploy. `-- --check` fails when a generated file is stale or missing, or when a
 * `[functions.<name>]` block does not name it as `import_map`.
 *
 * `checkFunctionImports` resolves each function's module graph with `deno info` given only that
 * function's config, as the deploy's bundler does: a bare import missing from the map fails here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { supabaseDir } from '../src/stack/config.ts';

const functionsDir = path.join(supabaseDir, 'functions');
const SLUG = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Every deployable function: a folder with an `index.ts`, as the CLI discovers them. */
export function functionNames(): string[] {
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && SLUG.test(entry.name) && existsSync(path.join(functionsDir, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort();
}

/** The text every function's `deno.json` must hold, derived from the shared `deno.json`. */
export function expectedFunctionConfig(): string {
  const shared = JSON.parse(readFileSync(path.join(functionsDir, 'deno.json'), 'utf8')) as {
    imports: Record<string, string>;
    compilerOptions?: Record<string, unknown>;
  };
  // No lock file in a function folder: the versions are pinned exactly in `imports`, and a lock
  // written beside each function would be one more copy to drift.
  const config = { imports: shared.imports, ...(shared.compilerOptions ? { compilerOptions: shared.compilerOptions } : {}), lock: false };
  return `${JSON.stringify(config, null, 2)}\n`;
}

const importMapPath = (name: string) => `./functions/${name}/deno.json`;

/** Problems with the generated files and the config.toml blocks naming them (empty when all is well). */
export function functionConfigProblems(): string[] {
  const problems: string[] = [];
  const expected = expectedFunctionConfig();
  const toml = parse(readFileSync(path.join(supabaseDir, 'config.toml'), 'utf8')) as { functions?: Record<string, { import_map?: string }> };
  for (const name of functionNames()) {
    const file = path.join(functionsDir, name, 'deno.json');
    if (!existsSync(file)) problems.push(`supabase/functions/${name}/deno.json is missing (npm run gen:function-config)`);
    else if (readFileSync(file, 'utf8') !== expected) problems.push(`supabase/functions/${name}/deno.json is stale (npm run gen:function-config)`);
    const block = toml.functions?.[name];
    if (!block) problems.push(`config.toml has no [functions.${name}] block`);
    else if (block.import_map !== importMapPath(name)) problems.push(`[functions.${name}] must set import_map = "${importMapPath(name)}"`);
  }
  for (const name of Object.keys(toml.functions ?? {})) {
    if (!functionNames().includes(name)) problems.push(`config.toml names [functions.${name}], which has no index.ts`);
  }
  return problems;
}

interface GraphDependency {
  specifier: string;
  code?: { error?: string };
  type?: { error?: string };
}

/**
 * For each function, the imports that do not resolve with only `supabase/functions/<name>/deno.json`
 * (run from the function's folder, so no other config is discovered). Empty when every graph resolves.
 */
export function checkFunctionImports(deno: string, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const name of functionNames()) {
    const dir = path.join(functionsDir, name);
    const result = spawnSync(deno, ['info', '--json', '--config', path.join(dir, 'deno.json'), path.join(dir, 'index.ts')], {
      cwd: dir,
      env: { ...env, NO_COLOR: '1' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) {
      problems.push(`${name}: deno info failed: ${result.stderr.trim().split('\n').at(-1)}`);
      continue;
    }
    const graph = JSON.parse(result.stdout) as { modules: { specifier: string; error?: string; dependencies?: GraphDependency[] }[] };
    for (const module of graph.modules) {
      if (module.error) problems.push(`${name}: ${module.error}`);
      for (const dependency of module.dependencies ?? []) {
        const error = dependency.code?.error ?? dependency.type?.error;
        if (error) problems.push(`${name}: ${error}`);
      }
    }
  }
  return [...new Set(problems)];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--check')) {
    const problems = functionConfigProblems();
    for (const problem of problems) console.error(problem);
    if (problems.length > 0) process.exit(1);
    console.log(`every function has a current deno.json named by its [functions.<name>] block (${functionNames().length} functions)`);
  } else {
    const text = expectedFunctionConfig();
    for (const name of functionNames()) writeFileSync(path.join(functionsDir, name, 'deno.json'), text);
    console.log(`wrote supabase/functions/<name>/deno.json for ${functionNames().length} functions`);
    const problems = functionConfigProblems();
    for (const problem of problems) console.error(problem);
    if (problems.length > 0) process.exit(1);
  }
}
