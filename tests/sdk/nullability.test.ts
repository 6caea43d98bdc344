/**
 * Nullability against reality: the RPC-backed reads are called with real data (a fresh user with
 * nothing yet, and one with activity), and every field that comes back `null` must be declared
 * nullable in the SDK's type for it. The declared types are read with the TypeScript compiler from
 * src/sdk/index.ts, so a generated RPC type that says `number` for a `sum()` that can be null, or a
 * hand-written interface that forgot `| null`, fails here.
 */
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../identity/support.ts';
import { createBusiness, type TestBusiness } from '../crm/support.ts';

const index = path.resolve(import.meta.dirname, '../../src/sdk/index.ts');

/** The declared types checked, by name: an SDK type expression per read. */
const DECLARED: Record<string, string> = {
  wallet: 'sdk.Wallet',
  walletEntry: 'sdk.WalletEntry',
  job: 'sdk.Job',
  task: 'sdk.Task',
  adminUser: 'sdk.AdminUser',
  auditEntry: 'sdk.AuditEntry',
  revenueStats: 'sdk.RevenueStats',
  voucherStats: 'sdk.VoucherStats',
  dashboardTotals: "sdk.VoucherDashboard['totals'][number]",
  dashboardDay: "sdk.VoucherDashboard['revenue_by_day'][number]",
  crmClientStatistics: 'sdk.CrmClientStatistics',
  crmPaymentRow: "sdk.CrmPaymentStatistics['rows'][number]",
};

/** Per declared type: its top-level fields and whether each admits null. */
function declaredNullability(): Record<string, Record<string, boolean>> {
  const file = path.join(path.dirname(index), '__nullability_probe__.ts');
  const source = `import type * as sdk from './index.ts';\n${Object.entries(DECLARED)
    .map(([name, type]) => `export type ${name} = ${type};`)
    .join('\n')}\n`;
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === file ? source : readFile(name));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => (path.resolve(name) === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version));
  const program = ts.createProgram([file], options, host);
  const checker = program.getTypeChecker();
  const probe = program.getSourceFile(file)!;
  const result: Record<string, Record<string, boolean>> = {};
  ts.forEachChild(probe, (node) => {
    if (!ts.isTypeAliasDeclaration(node)) return;
    const type = checker.getTypeAtLocation(node.name);
    const fields: Record<string, boolean> = {};
    for (const property of checker.getPropertiesOfType(type)) {
      const propertyType = checker.getTypeOfSymbol(property);
      const parts = propertyType.isUnion() ? propertyType.types : [propertyType];
      fields[property.name] = parts.some((t) => (t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0);
    }
    result[node.name.text] = fields;
  });
  return result;
}

/** Fields of `rows` that came back null but are declared non-null in `declared`. */
function undeclaredNulls(rows: unknown[], declared: Record<string, boolean>): string[] {
  const wrong = new Set<string>();
  for (const row of rows) {
    for (const [field, value] of Object.entries(row as Record<string, unknown>)) {
      if (value === null && declared[field] !== true) wrong.add(field);
    }
  }
  return [...wrong].sort();
}

let declared: Record<string, Record<string, boolean>>;
let admin: TestUser;
let fresh: TestUser;
let business: TestBusiness;
const seen: Record<string, unknown[]> = {};

beforeAll(async () => {
  declared = declaredNullability();
  [admin, fresh, business] = await Promise.all([createUser('admin'), createUser('tool_creator'), createBusiness()]);
  await admin.kit.admin.wallet.adjust({ user_id: fresh.id, amount: 5, reason: 'Nullability probe' });
  const job = await admin.kit.admin.jobs.enqueue({ type: 'diagnostics.echo', payload: {} });
  const task = await fresh.kit.tasks.submit({ type: 'add', input: { a: 1, b: 2 } });
  await business.owner.kit.crm.clients.create({ first_name: 'Null', email: null });

  const collect = async (name: string, read: () => Promise<{ data: unknown; error: unknown }>, rows: (data: any) => unknown[]) => {
    const { data, error } = await read();
    if (error) throw new Error(`${name}: ${JSON.stringify(error)}`);
    seen[name] = [...(seen[name] ?? []), ...rows(data)];
  };
  await collect(
    'wallet',
    () => fresh.kit.wallet.balance(),
    (d) => [d],
  );
  await collect(
    'wallet',
    () => admin.kit.wallet.balance(),
    (d) => [d],
  );
  await collect(
    'walletEntry',
    () => fresh.kit.wallet.history(),
    (d) => d.items,
  );
  await collect(
    'job',
    () => admin.kit.admin.jobs.list({ per_page: 50 }),
    (d) => d.items,
  );
  if (job.data)
    await collect(
      'job',
      () => admin.kit.jobs.get(job.data.id),
      (d) => [d],
    );
  if (task.data)
    await collect(
      'task',
      () => fresh.kit.tasks.get(task.data.task_id),
      (d) => [d],
    );
  await collect(
    'adminUser',
    () => admin.kit.admin.users.list({ per_page: 100 }),
    (d) => d.items,
  );
  await collect(
    'auditEntry',
    () => admin.kit.admin.audit.list({ per_page: 100 }),
    (d) => d.items,
  );
  await collect(
    'revenueStats',
    () => fresh.kit.marketplace.revenue.stats(),
    (d) => [d],
  );
  await collect(
    'voucherStats',
    () => fresh.kit.vouchers.stats(),
    (d) => [d],
  );
  await collect(
    'dashboardTotals',
    () => admin.kit.admin.vouchers.dashboard({ from: '2001-01-01', to: '2001-01-08' }),
    (d) => d.totals,
  );
  await collect(
    'dashboardTotals',
    () => admin.kit.admin.vouchers.dashboard(),
    (d) => d.totals,
  );
  await collect(
    'dashboardDay',
    () => admin.kit.admin.vouchers.dashboard(),
    (d) => d.revenue_by_day,
  );
  await collect(
    'crmClientStatistics',
    () => business.owner.kit.crm.statistics.clients(),
    (d) => [d],
  );
  await collect(
    'crmPaymentRow',
    () => business.owner.kit.crm.statistics.payments(),
    (d) => d.rows,
  );
}, 120_000);

describe('nullability against reality', () => {
  it('reads every declared type', () => {
    for (const name of Object.keys(DECLARED)) expect(Object.keys(declared[name] ?? {}).length, name).toBeGreaterThan(0);
  });

  it.each(Object.keys(DECLARED))('%s: every field that comes back null is declared nullable', (name) => {
    expect(undeclaredNulls(seen[name] ?? [], declared[name]!)).toEqual([]);
  });
});
