/**
 * `npm run bench <name>`: runs `scripts/bench-<name>.ts`. Benchmarks report ratios against a
 * baseline measured in the same run, because the machine is shared and noisy.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/stack/config.ts';

const available = readdirSync(path.join(projectRoot, 'scripts'))
  .map((f) => /^bench-(.+)\.ts$/.exec(f)?.[1])
  .filter((n): n is string => !!n);
const [name, ...rest] = process.argv.slice(2);
const file = path.join(projectRoot, 'scripts', `bench-${name}.ts`);
if (!name || !existsSync(file)) {
  console.error(`usage: npm run bench <${available.join('|')}> [options]`);
  process.exit(2);
}
const result = spawnSync(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), [file, ...rest], { stdio: 'inherit' });
process.exit(result.status ?? 1);
