/**
 * `npm run build:sdk`: the SDK as an ES module package in `dist/sdk/`.
 *
 * - JavaScript: rollup with `preserveModules`, one output file per source module, so a bundler that
 *   honours `"sideEffects": false` drops every namespace (and every shared schema module) the
 *   application does not import. Each module is compiled from TypeScript by esbuild. The shared zod
 *   schemas (`supabase/functions/_shared/schemas/`) are bundled into `dist/sdk/_shared/`;
 *   `@supabase/supabase-js` and `zod` stay imports (the application's dependencies).
 * - Declarations: rollup-plugin-dts rolls every declaration, the shared schemas' types included,
 *   into one `dist/sdk/index.d.ts` that imports only those two packages.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { rollup, type Plugin } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sdkDir = path.join(root, 'src', 'sdk');
const sharedDir = path.join(root, 'supabase', 'functions', '_shared');
export const sdkOutDir = path.join(root, 'dist', 'sdk');
const input = path.join(sdkDir, 'index.ts');

/** The packages the SDK imports at run time; everything else must be bundled. */
export const externalPackages = ['@supabase/supabase-js', 'zod'];
const external = (id: string) => externalPackages.some((name) => id === name || id.startsWith(`${name}/`));

/** Compiles each TypeScript module with esbuild (types stripped, ES2022 kept). */
function typescript(): Plugin {
  return {
    name: 'esbuild-typescript',
    async transform(code, id) {
      if (!id.endsWith('.ts')) return null;
      const result = await transform(code, { loader: 'ts', format: 'esm', target: 'es2022', sourcemap: true, sourcefile: id });
      return { code: result.code, map: result.map };
    },
  };
}

/** Where a source module lands in dist/sdk: SDK modules at the top, the shared code under `_shared/`. */
function outputName(moduleId: string): string {
  const file = moduleId.replace(/\.ts$/, '.js');
  if (file.startsWith(`${sdkDir}${path.sep}`)) return path.relative(sdkDir, file);
  if (file.startsWith(`${sharedDir}${path.sep}`)) return path.join('_shared', path.relative(sharedDir, file));
  throw new Error(`build:sdk: ${path.relative(root, moduleId)} is outside src/sdk and supabase/functions/_shared; the SDK must not import it`);
}

export async function buildSdk(log: (line: string) => void = console.log): Promise<void> {
  const started = Date.now();
  rmSync(sdkOutDir, { recursive: true, force: true });

  const js = await rollup({
    input,
    external,
    plugins: [typescript()],
    // Compiled modules keep their top-level code; whole modules are dropped by the application's bundler.
    treeshake: { moduleSideEffects: true },
    // An import rollup cannot resolve (a new package, a node: module) fails the build; an import cycle
    // between SDK modules is legal ES and only reported.
    onwarn(warning) {
      if (warning.code === 'CIRCULAR_DEPENDENCY') {
        log(`[build:sdk] ${warning.message}`);
        return;
      }
      throw new Error(`build:sdk (js): ${warning.message}`);
    },
  });
  await js.write({
    dir: sdkOutDir,
    format: 'es',
    preserveModules: true,
    sourcemap: true,
    entryFileNames: (chunk) => outputName(chunk.facadeModuleId ?? chunk.name),
  });
  await js.close();

  const types = await rollup({
    input,
    external,
    plugins: [dts({ tsconfig: path.join(root, 'tsconfig.build.json') })],
    onwarn(warning) {
      throw new Error(`build:sdk (types): ${warning.message}`);
    },
  });
  await types.write({ file: path.join(sdkOutDir, 'index.d.ts'), format: 'es' });
  await types.close();

  log(`[build:sdk] dist/sdk/index.js and dist/sdk/index.d.ts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The newest modification time of the files the SDK is built from. */
function newestSource(): number {
  let newest = 0;
  for (const dir of [path.join(root, 'src', 'sdk'), sharedDir]) {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/**
 * Builds the SDK when `dist/sdk` is missing or older than its sources: the web app imports the built
 * package, so `npm run dev` and the browser journeys call this before they start Vite.
 */
export async function ensureSdkBuilt(log: (line: string) => void = console.log): Promise<void> {
  const built = path.join(sdkOutDir, 'index.d.ts');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource()) return;
  await buildSdk(log);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildSdk().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
