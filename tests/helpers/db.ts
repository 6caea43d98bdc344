/** Direct database access for tests that set up fixtures or check what a request changed. */
import pg from 'pg';
import { stack } from './stack.ts';

/** Runs one query as `postgres` on the stack's database. */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export { eventually } from './eventually.ts';
