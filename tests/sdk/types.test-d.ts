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
    result.data.status;
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
