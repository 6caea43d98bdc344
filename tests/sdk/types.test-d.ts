/**
 * Type-level tests of the SDK's public surface: `npm run typecheck` (tsc) fails if a wrong call
 * compiles, because every `@ts-expect-error` below must meet an error.
 */
import { createClient, type Health, type Result, type SdkErrorCode } from '../../src/sdk/index.ts';

const kit = createClient('http://127.0.0.1:54321', 'sb_publishable_key');

export async function healthIsTyped(): Promise<void> {
  const result: Result<Health> = await kit.system.health();
  if (result.error) {
    const code: SdkErrorCode = result.error.code;
    void code;
    // @ts-expect-error data is null when error is set
    void result.data.status;
    return;
  }
  // @ts-expect-error 'broken' is not a health status
  if (result.data.status === 'broken') return;
  // @ts-expect-error the database field has only 'ok' | 'unreachable'
  const db: 'down' = result.data.database;
  void db;
}

export function tablesAreChecked(): void {
  // @ts-expect-error a table that is not in the generated Database type does not compile
  void kit.supabase.from('no_such_table');
}

// The error-code union is closed: codes autocomplete and a typo does not compile.
import type { SdkErrorCode as CatalogueCode } from '../../src/sdk/index.ts';
export const knownCodes: CatalogueCode[] = ['insufficient_points', 'voucher_expired', 'tool_not_found', 'unauthorized', 'invalid_credentials', 'account_not_chosen'];
// @ts-expect-error not a code of the catalogue
export const typo: CatalogueCode = 'insufficent_points';

// The example of kit.accounts.current() compiles as written in its JSDoc.
import { createClient as createKit } from '../../src/sdk/index.ts';
export async function currentAccountExample(): Promise<void> {
  const kit = createKit('http://127.0.0.1:54321', 'key');
  const { data, error } = await kit.accounts.current();
  if (error?.code === 'account_not_chosen') {
    const { accounts } = error.details;
    if (accounts[0]) await kit.accounts.use(accounts[0].account_id);
  }
  void data;
}
