/**
 * Every `@example` in src/sdk compiles against the SDK's types: each example block is written to a
 * module of its own under a temporary folder, after a prelude that imports the SDK and declares
 * `kit`, and the TypeScript compiler checks them all. Free variables an example only names (ids,
 * inputs, DOM elements: `userId`, `fileInput`) are declared for it — `string` for `…Id` / `…Ids`
 * names, `any` otherwise — so what is checked is every SDK call: method names, argument shapes and
 * result fields.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const sdkDir = path.resolve(import.meta.dirname, '../../src/sdk');

interface Example {
  file: string;
  line: number;
  code: string;
}

/** The `@example` blocks of a source file: the comment lines after the tag, up to the next tag or the comment's end. */
export function examplesOf(file: string, text: string): Example[] {
  const lines = text.split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i]!)) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (/^\s*\*\//.test(line) || /^\s*\*\s*@\w+/.test(line)) break;
      body.push(line.replace(/^\s*\* ?/, ''));
    }
    examples.push({ file, line: i + 1, code: body.join('\n') });
    i = j - 1;
  }
  return examples;
}

const examples = readdirSync(sdkDir)
  .filter((name) => name.endsWith('.ts') && name !== 'database.types.ts')
  .sort()
  .flatMap((name) => examplesOf(name, readFileSync(path.join(sdkDir, name), 'utf8')));

const dir = mkdtempSync(path.join(tmpdir(), 'sdk-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The SDK, and `kit` unless the example makes its own. */
const prelude = (code: string) => `import * as sdk from ${JSON.stringify(path.join(sdkDir, 'index.ts'))};
import { formatMoney, currencyExponent, createClient, isSdkError } from ${JSON.stringify(path.join(sdkDir, 'index.ts'))};
${/\b(const|let)\s+kit\b/.test(code) ? '' : 'declare const kit: sdk.KitClient;'}
void formatMoney; void currencyExponent; void createClient; void isSdkError; void sdk;
`;

let previous: ts.Program | undefined;

/** Type-checks the example files (the second pass reuses the first's program: only the examples changed). */
function compile(files: Map<string, string>): ts.Diagnostic[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: ['node'],
    typeRoots: [path.resolve(import.meta.dirname, '../../node_modules/@types')],
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    esModuleInterop: true,
    noUnusedLocals: false,
  };
  const host = ts.createCompilerHost(options);
  const program = ts.createProgram([...files.keys()], options, host, previous);
  previous = program;
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.has(path.resolve(d.file.fileName)));
}

describe('JSDoc examples', () => {
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThan(150);
  });

  it('every @example in src/sdk type-checks against the SDK', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const sources = new Map<string, { example: Example; declared: Set<string> }>();
    for (const [i, example] of examples.entries()) sources.set(path.join(dir, `example-${i}.ts`), { example, declared: new Set() });
    const render = () => {
      const files = new Map<string, string>();
      for (const [file, { example, declared }] of sources) {
        const declarations = [...declared].map((name) => `declare const ${name}: ${/Ids?$/.test(name) ? (name.endsWith('s') ? 'string[]' : 'string') : 'any'};`).join('\n');
        const text = `${prelude(example.code)}${declarations}\n// ${example.file}:${example.line}\n${example.code}\nexport {};\n`;
        writeFileSync(file, text);
        files.set(file, text);
      }
      return files;
    };
    // Pass 1 finds the names examples only mention; pass 2 checks with them declared.
    for (const diagnostic of compile(render())) {
      // 2304/2552: cannot find name; 18004: a shorthand property ({ email }) names no value.
      if (diagnostic.code !== 2304 && diagnostic.code !== 2552 && diagnostic.code !== 18004) continue;
      const name = /(?:Cannot find name|shorthand property) '([^']+)'/.exec(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))?.[1];
      if (name) sources.get(path.resolve(diagnostic.file!.fileName))!.declared.add(name);
    }
    const problems = compile(render()).map((diagnostic) => {
      const { example } = sources.get(path.resolve(diagnostic.file!.fileName))!;
      return `${example.file}:${example.line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
    });
    expect(problems).toEqual([]);
  }, 600_000);
});
