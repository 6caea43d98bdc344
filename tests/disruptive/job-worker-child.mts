/**
 * A job worker in a process of its own, for the disruptive suite to kill mid-job: runs the real
 * worker loop (supabase/functions/job-worker/worker.ts) once with the worker id and lease it is given.
 * Run with Deno: `deno run --allow-all --config supabase/functions/deno.json tests/disruptive/job-worker-child.mts`.
 */
import postgres from 'postgres';
import { runWorker } from '../../supabase/functions/job-worker/worker.ts';

declare const Deno: { env: { get(name: string): string | undefined }; exit(code: number): never };

const sql = postgres(Deno.env.get('SUPABASE_DB_URL')!, { max: 1, prepare: false });
const report = await runWorker(sql, {
  workerId: Deno.env.get('WORKER_ID') ?? 'child-worker',
  maxJobs: 1,
  leaseSeconds: Number(Deno.env.get('LEASE_SECONDS') ?? '2'),
  types: ['diagnostics.echo'],
});
console.log(JSON.stringify(report));
await sql.end();
Deno.exit(0);
