/**
 * Every public method of the SDK declares the codes it can answer: its `Result`'s `error.code` is a
 * narrow union from the catalogue (src/sdk/error-codes.ts) plus the common codes, never the whole
 * `SdkErrorCode`. Read with the TypeScript compiler from `createClient`'s type: every namespace
 * reached through the client's properties, every public method of its class — so a method added
 * anywhere is held to it without being listed here.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Methods allowed to answer something else, with the reason. The test fails when one of them
 * declares a narrow union (remove it here) or disappears, so this list only shrinks.
 */
const WIDE_BY_DESIGN: Record<string, string> = {
  'auth.onAuthStateChange': 'mirrors supabase-js: answers a subscription at once, not a Result',
  'accounts.clearCurrentAccount': 'forgets the current account locally: no request, nothing can fail',
};

interface MethodFacts {
  path: string;
  /** `narrow`: a Result whose codes leave some out; `wide`: every code; `other`: not a Result. */
  kind: 'narrow' | 'wide' | 'other';
  /** The codes beyond the common ones (for the message). */
  codes: number;
}

let facts: MethodFacts[] = [];

/** Every public method reachable from `createClient`'s answer, with what its Result declares. */
function readMethods(): MethodFacts[] {
  const config = ts.readConfigFile(`${root}tsconfig.json`, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const entry = `${root}src/sdk/index.ts`;
  const program = ts.createProgram([entry], { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry)!;
  const moduleSymbol = checker.getSymbolAtLocation(source)!;
  const exports = checker.getExportsOfModule(moduleSymbol);
  const exported = (name: string) => {
    const symbol = exports.find((s) => s.name === name)!;
    return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  };
  const allCodes = checker.getDeclaredTypeOfSymbol(exported('SdkErrorCode'));
  const commonCodes = checker.getDeclaredTypeOfSymbol(exported('CommonErrorCode'));
  const createClient = exported('createClient');
  const kitType = checker.getTypeOfSymbol(createClient).getCallSignatures()[0]!.getReturnType();

  const isSdkClass = (type: ts.Type) => {
    const declaration = type.getSymbol()?.declarations?.[0];
    return !!declaration && ts.isClassDeclaration(declaration) && declaration.getSourceFile().fileName.startsWith(`${root}src/sdk/`);
  };
  const isPublic = (declaration: ts.Declaration) =>
    ts.isMethodDeclaration(declaration) &&
    !ts.isPrivateIdentifier(declaration.name) &&
    !(ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected | ts.ModifierFlags.Static));

  const out: MethodFacts[] = [];
  const seen = new Set<ts.Type>();
  const visit = (path: string, type: ts.Type) => {
    if (seen.has(type)) return;
    seen.add(type);
    for (const property of checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (!declaration || property.name === 'supabase' || property.name.startsWith('_') || property.name.startsWith('#')) continue;
      if (ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      const name = path ? `${path}.${property.name}` : property.name;
      const propertyType = checker.getTypeOfSymbol(property);
      if (property.flags & ts.SymbolFlags.Method) {
        if (path && isPublic(declaration)) out.push(describeMethod(name, propertyType));
        continue;
      }
      // `kit.admin` is an AdminClient with more namespaces attached (an intersection).
      if (isSdkClass(propertyType) || (propertyType.isIntersection() && propertyType.types.some(isSdkClass))) visit(name, propertyType);
    }
  };

  const describeMethod = (path: string, type: ts.Type): MethodFacts => {
    const returned = type.getCallSignatures()[0]!.getReturnType();
    const awaited = checker.getAwaitedType(returned) ?? returned;
    const error = checker.getPropertyOfType(awaited, 'error');
    if (!error) return { path, kind: 'other', codes: 0 };
    const errorType = checker.getNonNullableType(checker.getTypeOfSymbol(error));
    const code = checker.getPropertyOfType(errorType, 'code');
    if (!code) return { path, kind: 'other', codes: 0 };
    const codeType = checker.getTypeOfSymbol(code);
    const members = codeType.isUnion() ? codeType.types : [codeType];
    const common = new Set(commonCodes.isUnion() ? commonCodes.types : [commonCodes]);
    return { path, kind: checker.isTypeAssignableTo(allCodes, codeType) ? 'wide' : 'narrow', codes: members.filter((m) => !common.has(m)).length };
  };

  visit('', kitType);
  return out;
}

beforeAll(() => {
  facts = readMethods();
}, 120_000);

describe('per-method error-code unions', () => {
  it('finds the methods of every namespace', () => {
    expect(facts.length).toBeGreaterThan(180);
    for (const path of ['auth.signIn', 'admin.users.list', 'crm.clients.create', 'marketplace.feedback.submit', 'system.health', 'accounts.members.add']) {
      expect(facts.map((f) => f.path)).toContain(path);
    }
  });

  it('every public method answers a Result with its own code union', () => {
    const wide = facts
      .filter((f) => f.kind !== 'narrow' && !WIDE_BY_DESIGN[f.path])
      .map((f) => `${f.path} (${f.kind === 'wide' ? 'declares every SdkErrorCode' : 'not a Result'})`);
    expect(wide).toEqual([]);
  });

  it('the list of exceptions only shrinks: each entry exists and is still not narrow', () => {
    const stale = Object.keys(WIDE_BY_DESIGN).filter((path) => {
      const method = facts.find((f) => f.path === path);
      return !method || method.kind === 'narrow';
    });
    expect(stale, 'gone or narrow now: remove from WIDE_BY_DESIGN').toEqual([]);
  });
});
