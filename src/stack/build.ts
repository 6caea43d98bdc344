/**
 * The stack's Node services (mailbox, auth, storage, fake Stripe) run as plain JavaScript bundles
 * instead of through tsx: tsx compiles every TypeScript file on each start and runs the service in a
 * second Node process, about 0.5 s of CPU per service, which was most of a warm `npm run dev`. The
 * bundles are built with esbuild (the compiler tsx itself uses) into `.stack/build/`, one per
 * service, npm packages included: resolving and loading a package's files one by one cost more than
 * the code itself (the mailbox's mail parser alone is a few hundred files), and a service loading one
 * file started with about 0.6× the CPU time (measured with `npm run bench startup`'s figures in
 * docs/local-stack.md). They are rebuilt only when a source file under `src/` or the lock file
 * changed (size or modification time), so a warm start pays a directory scan of a few milliseconds.
 *
 * `.stack/build/` sits two folders below the project root, like `src/stack/config.ts`, so the
 * bundled `projectRoot` (derived from `import.meta.url`) still names the project.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { projectRoot } from './config.ts';

export const buildDir = path.join(projectRoot, '.stack', 'build');
const srcDir = path.join(projectRoot, 'src');

/** The services' entry points, by service name. */
export const nodeServices: Record<string, string> = {
  mailbox: path.join(srcDir, 'mailbox', 'main.ts'),
  auth: path.join(srcDir, 'auth', 'main.ts'),
  storage: path.join(srcDir, 'storage', 'main.ts'),
  'stripe-fake': path.join(srcDir, 'stripe-fake', 'main.ts'),
};

/** A fingerprint of every source file the bundles can include (path, size, mtime), and of this builder. */
function sourceFingerprint(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name === 'sdk') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|js|mjs|json|sql|html)$/.test(entry.name)) {
        const stat = statSync(full);
        hash.update(`${full}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  walk(srcDir);
  hash.update(readFileSync(path.join(projectRoot, 'package-lock.json')));
  return hash.digest('hex');
}

/** The bundle of a service, built first when a source changed. */
export function bundlePath(name: string): string {
  return path.join(buildDir, `${name}.mjs`);
}

/** Builds the service bundles unless the ones on disk were built from the current sources. */
export async function buildNodeServices(): Promise<void> {
  const stamp = path.join(buildDir, 'fingerprint');
  const fingerprint = sourceFingerprint();
  const current = existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint && Object.keys(nodeServices).every((n) => existsSync(bundlePath(n)));
  if (current) return;
  mkdirSync(buildDir, { recursive: true });
  await Promise.all(
    Object.entries(nodeServices).map(async ([name, entry]) => {
      const out = bundlePath(name);
      await build({
        entryPoints: [entry],
        outfile: `${out}.${process.pid}.tmp.mjs`,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        // CommonJS packages inside an ES module bundle still call require() for Node's own modules.
        banner: { js: "import { createRequire as __stackRequire } from 'node:module'; const require = __stackRequire(import.meta.url);" },
        // Stack traces name the source files (which stay on disk); their text need not be in the map.
        sourcemap: 'inline',
        sourcesContent: false,
        logLevel: 'error',
      });
      // A start running concurrently sees the old bundle or the new one, never half of one.
      renameSync(`${out}.${process.pid}.tmp.mjs`, out);
    }),
  );
  writeFileSync(stamp, fingerprint);
}
