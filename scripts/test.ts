/**
 * `npm test`: every suite against a stack. Without SUPABASE_URL it starts an isolated local stack
 * (its own data folder and ports, a fresh database every run) and stops it afterwards; with
 * SUPABASE_URL (+ keys, SUPABASE_DB_URL) it targets that stack instead. Suites: pgTAP through
 * pg_prove, vitest, deno test, the database checks (advisors, lint, generated types current, each
 * function's import map, config.toml keys the CLI knows), the docs check (scripts/check-docs.ts) and
 * the browser journeys (tests/web, Playwright driving Debian's Chromium against the built web app)
 * and `npm run lint`.
 * Ends with one line `N passed, N failed` and a non-zero exit on any failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { loadStackConfig, projectRoot, supabaseDir } from '../src/stack/config.ts';
import { defaultKeys } from '../src/stack/keys.ts';
import { DENO, denoEnv, startStack, type StackHandle } from '../src/stack/stack.ts';
import { checkDocs } from './check-docs.ts';
import { checkFunctionImports, functionConfigProblems } from './gen-function-config.ts';
import { typesAreCurrent } from './gen-types.ts';

interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
}

const bin = (name: string) => path.join(projectRoot, 'node_modules', '.bin', name);

/** Runs a command, streaming its output, and returns the output and exit code. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = projectRoot): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => resolve({ code: 127, output: `${output}\n${error.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function pgTap(env: NodeJS.ProcessEnv): Promise<SuiteResult> {
  const dir = path.join(supabaseDir, 'tests');
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.sql'))
        .sort()
    : [];
  if (files.length === 0) return { name: 'pgTAP', passed: 0, failed: 0 };
  const url = new URL(env.SUPABASE_DB_URL!);
  const { code, output } = await run(
    'pg_prove',
    [
      '--verbose',
      '--ext',
      '.sql',
      '-h',
      url.hostname,
      '-p',
      url.port || '5432',
      '-U',
      decodeURIComponent(url.username),
      '-d',
      url.pathname.slice(1),
      ...files.map((f) => path.join(dir, f)),
    ],
    { ...env, PGPASSWORD: decodeURIComponent(url.password) },
  );
  const passed = output.match(/^\s*ok \d+/gm)?.length ?? 0;
  let failed = output.match(/^\s*not ok \d+/gm)?.length ?? 0;
  // A file that dies before its plan completes fails without a `not ok` line: count it once.
  if (code !== 0 && failed === 0) failed = 1;
  return { name: 'pgTAP', passed, failed };
}

async function vitest(env: NodeJS.ProcessEnv, dataDir: string, configFile: string, name: string, filters: string[] = []): Promise<SuiteResult> {
  const report = path.join(dataDir, `${path.basename(configFile, '.ts')}-report.json`);
  rmSync(report, { force: true });
  const { code } = await run(bin('vitest'), ['run', '--config', configFile, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...filters], env);
  if (!existsSync(report)) return { name, passed: 0, failed: 1 };
  const json = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; testResults: { status: string }[] };
  // A file that fails to load has no failed test but a failed suite.
  const brokenFiles = json.testResults.filter((r) => r.status === 'failed').length;
  const failed = json.numFailedTests || (code !== 0 ? Math.max(brokenFiles, 1) : 0);
  return { name, passed: json.numPassedTests, failed };
}

async function denoTests(env: NodeJS.ProcessEnv): Promise<SuiteResult> {
  const functionsDir = path.join(supabaseDir, 'functions');
  const hasTests = readdirSync(functionsDir, { recursive: true }).some((f) => /[._]test\.ts$/.test(String(f)));
  if (!hasTests) return { name: 'deno test', passed: 0, failed: 0 };
  const { code, output } = await run(
    DENO,
    ['test', '--allow-all', '--no-prompt', '--config', path.join(functionsDir, 'deno.json'), functionsDir],
    { ...denoEnv(), ...env, NO_COLOR: '1' },
    functionsDir,
  );
  const summary = /(\d+) passed.*?(\d+) failed/.exec(output);
  const passed = Number(summary?.[1] ?? 0);
  const failed = Number(summary?.[2] ?? 0) || (code !== 0 ? 1 : 0);
  return { name: 'deno test', passed, failed };
}

/** Advisors and lint from the real Supabase CLI, and the generated types being current. */
async function databaseChecks(env: NodeJS.ProcessEnv): Promise<SuiteResult> {
  const db = env.SUPABASE_DB_URL!;
  let passed = 0;
  let failed = 0;
  // A check may be synchronous; run through a promise, its throw is a failed check like a rejection.
  const check = async (label: string, ok: () => boolean | Promise<boolean>) => {
    const result = await Promise.resolve()
      .then(ok)
      .catch((error: unknown) => {
        console.log(error instanceof Error ? error.message : String(error));
        return false;
      });
    console.log(`${result ? 'ok' : 'not ok'} - ${label}`);
    if (result) passed += 1;
    else failed += 1;
  };
  await check(
    'supabase db advisors --type all --fail-on warn reports nothing',
    async () => (await run(bin('supabase'), ['db', 'advisors', `--remote=${db}`, '--type', 'all', '--fail-on', 'warn', '--workdir', projectRoot], env)).code === 0,
  );
  await check(
    'supabase db lint finds no warnings',
    async () => (await run(bin('supabase'), ['db', 'lint', `--remote=${db}`, '--fail-on', 'warning', '--workdir', projectRoot], env)).code === 0,
  );
  await check('src/sdk/database.types.ts matches the database (npm run gen:types)', () => typesAreCurrent(db));
  await check(
    "openapi.json matches the functions' zod schemas (npm run gen:openapi)",
    async () => (await run(bin('tsx'), [path.join(projectRoot, 'scripts', 'gen-openapi.ts'), '--check'], env)).code === 0,
  );
  await check('every function has its own deno.json, named as import_map by its [functions.<name>] block (npm run gen:function-config)', () => {
    const problems = functionConfigProblems();
    for (const problem of problems) console.log(`  ${problem}`);
    return problems.length === 0;
  });
  await check("every function's imports resolve from its own deno.json alone, as supabase functions deploy bundles it", () => {
    const problems = checkFunctionImports(DENO, denoEnv());
    for (const problem of problems) console.log(`  ${problem}`);
    return problems.length === 0;
  });
  await check('supabase/config.toml has no keys the Supabase CLI ignores', () => {
    // Any command that loads the config warns about unknown keys; `status` changes nothing (and only
    // reports that no Docker stack runs here).
    const result = spawnSync(bin('supabase'), ['status', '--workdir', projectRoot], { env: { ...env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
    const warning = `${result.stdout}${result.stderr}`.split('\n').find((line) => line.includes('does not recognize and ignores'));
    if (warning) console.log(`  ${warning}`);
    return warning === undefined && result.error === undefined;
  });
  return { name: 'database checks', passed, failed };
}

/**
 * The browser journeys (tests/web): Playwright's runner with its JSON report; the web app is built and
 * served for this stack by tests/web/global-setup.ts. Counts passed and failed journeys.
 */
async function browserJourneys(env: NodeJS.ProcessEnv, filters: string[] = []): Promise<SuiteResult> {
  const report = path.join(projectRoot, 'test-results', 'web', 'report.json');
  rmSync(report, { force: true });
  const { code } = await run(bin('playwright'), ['test', '-c', path.join(projectRoot, 'playwright.config.ts'), ...filters], env);
  if (!existsSync(report)) return { name: 'browser', passed: 0, failed: 1 };
  const { stats } = JSON.parse(readFileSync(report, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number } };
  const failed = stats.unexpected + stats.flaky || (code !== 0 ? 1 : 0);
  return { name: 'browser', passed: stats.expected, failed };
}

/** The docs check (scripts/check-docs.ts): links resolve, named paths exist, SDK namespaces documented. */
function docsChecks(): SuiteResult {
  let passed = 0;
  let failed = 0;
  for (const check of checkDocs()) {
    for (const problem of check.problems) console.log(`  ${problem}`);
    console.log(`${check.problems.length === 0 ? 'ok' : 'not ok'} - ${check.label}`);
    if (check.problems.length === 0) passed += 1;
    else failed += 1;
  }
  return { name: 'docs', passed, failed };
}

/** `npm run lint`'s checks (ESLint, deno lint, SQL layout, Prettier), one result each; no stack needed. */
async function lintChecks(env: NodeJS.ProcessEnv): Promise<SuiteResult> {
  let passed = 0;
  let failed = 0;
  for (const script of ['lint:eslint', 'lint:deno', 'lint:sql', 'lint:format']) {
    const { code } = await run('npm', ['run', '--silent', script], env);
    console.log(`${code === 0 ? 'ok' : 'not ok'} - npm run ${script}`);
    if (code === 0) passed += 1;
    else failed += 1;
  }
  return { name: 'lint', passed, failed };
}

async function main(): Promise<number> {
  let stack: StackHandle | undefined;
  let env: NodeJS.ProcessEnv;
  const config = loadStackConfig('test');
  if (process.env.SUPABASE_URL) {
    const keys = defaultKeys();
    env = {
      ...process.env,
      SUPABASE_ANON_KEY: process.env.SUPABASE_ANON_KEY ?? keys.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: process.env.SUPABASE_SERVICE_ROLE_KEY ?? keys.serviceRoleKey,
      SUPABASE_PUBLISHABLE_KEY: process.env.SUPABASE_PUBLISHABLE_KEY ?? keys.publishableKey,
      SUPABASE_SECRET_KEY: process.env.SUPABASE_SECRET_KEY ?? keys.secretKey,
      SUPABASE_JWT_SECRET: process.env.SUPABASE_JWT_SECRET ?? keys.jwtSecret,
      SUPABASE_DB_URL: process.env.SUPABASE_DB_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54322/postgres',
      SUPABASE_MAILBOX_URL: process.env.SUPABASE_MAILBOX_URL ?? 'http://127.0.0.1:54324',
    };
    console.log(`[test] targeting the running stack at ${env.SUPABASE_URL}`);
  } else {
    const started = Date.now();
    console.log('[test] starting an isolated test stack');
    stack = await startStack(config, { reset: true });
    console.log(`[test] stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${config.apiUrl}`);
    env = {
      ...process.env,
      SUPABASE_URL: config.apiUrl,
      SUPABASE_ANON_KEY: config.keys.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: config.keys.serviceRoleKey,
      SUPABASE_PUBLISHABLE_KEY: config.keys.publishableKey,
      SUPABASE_SECRET_KEY: config.keys.secretKey,
      SUPABASE_JWT_SECRET: config.keys.jwtSecret,
      SUPABASE_DB_URL: config.dbUrl,
      SUPABASE_MAILBOX_URL: config.mailboxUrl,
      STRIPE_FAKE_URL: config.fakeStripe.url,
      STRIPE_SECRET_KEY: config.fakeStripe.secretKey,
      STRIPE_WEBHOOK_SECRET: config.fakeStripe.webhookSecret,
      STACK_DATA_DIR: config.dataDir,
    };
  }
  const stopStack = async () => {
    if (stack) await stack.stop();
    stack = undefined;
  };
  process.once('SIGINT', () => void stopStack().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopStack().then(() => process.exit(143)));

  mkdirSync(config.dataDir, { recursive: true });
  const results: SuiteResult[] = [];
  // `npm test -- <vitest filters>` runs only the matching vitest files, for quick iterations.
  const filters = process.argv.slice(2);
  try {
    if (filters.length > 0) {
      // `npm test -- tests/web[/x.spec.ts]` runs only those browser journeys.
      const web = filters.filter((f) => f.replace(/^\.\//, '').startsWith('tests/web'));
      const other = filters.filter((f) => !web.includes(f));
      if (other.length > 0) results.push(await vitest(env, config.dataDir, 'vitest.config.ts', 'vitest', other));
      if (web.length > 0) results.push(await browserJourneys(env, web.map((f) => f.replace(/^\.?\/?tests\/web\/?/, '')).filter(Boolean)));
      return summarise(results);
    }
    results.push(await pgTap(env));
    results.push(await vitest(env, config.dataDir, 'vitest.config.ts', 'vitest'));
    results.push(await denoTests(env));
    results.push(await databaseChecks(env));
    results.push(docsChecks());
    results.push(await browserJourneys(env));
    results.push(await lintChecks(env));
    results.push(await vitest(env, config.dataDir, 'vitest.disruptive.config.ts', 'vitest disruptive'));
  } finally {
    await stopStack();
  }
  return summarise(results);
}

function summarise(results: SuiteResult[]): number {
  console.log('');
  for (const r of results) console.log(`  ${r.name.padEnd(18)} ${r.passed} passed, ${r.failed} failed`);
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[test] ${error instanceof Error ? error.message : String(error)}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
