/**
 * A job worker killed mid-job (SIGKILL, no chance to clean up): its job is re-claimed once the lease
 * expires, retried by the job-worker Edge Function and completed exactly once.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DENO } from '../../src/stack/stack.ts';
import { eventually, sql } from '../helpers/db.ts';
import { stack } from '../helpers/stack.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('a job worker killed mid-job', () => {
  it('has its job retried after the lease and completed exactly once', async () => {
    const tag = randomUUID();
    // The child claims one due echo job: earlier suites' leftovers must not be the one it takes.
    await sql(`update private.jobs set status = 'cancelled', finished_at = now(), lease_token = null, lease_expires_at = null
      where type = 'diagnostics.echo' and status in ('queued', 'running')`);
    const [job] = await sql<{ id: string }>(`select (private.enqueue_job('diagnostics.echo', $1::jsonb)).id`, [
      JSON.stringify({ message: tag, delay_ms: 60_000, delay_attempts: 1 }),
    ]);
    const workerId = `doomed-${tag.slice(0, 8)}`;
    // The real binary, not npm's launcher: SIGKILL to the launcher would leave the worker running.
    const child = spawn(DENO, ['run', '--allow-all', '--no-prompt', '--config', 'supabase/functions/deno.json', 'tests/disruptive/job-worker-child.mts'], {
      cwd: root,
      env: { ...process.env, DENO_DIR: path.join(root, '.stack/deno'), DENO_TLS_CA_STORE: 'system,mozilla', SUPABASE_DB_URL: stack.dbUrl, WORKER_ID: workerId, LEASE_SECONDS: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    try {
      await eventually(
        async () => {
          const [row] = await sql<{ status: string; locked_by: string }>('select status::text, locked_by from private.jobs where id = $1', [job!.id]);
          return row?.status === 'running' && row.locked_by === workerId;
        },
        30_000,
        'the child worker to claim the job',
      );
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');

    await eventually(
      async () => {
        const response = await fetch(`${stack.url}/functions/v1/job-worker`, {
          method: 'POST',
          headers: { apikey: stack.secretKey, 'content-type': 'application/json' },
          body: JSON.stringify({ types: ['diagnostics.echo'], max_jobs: 20 }),
        });
        const report = (await response.json()) as { jobs: { id: string; outcome: string }[] };
        return report.jobs.some((entry) => entry.id === job!.id && entry.outcome === 'succeeded');
      },
      20_000,
      'the job to be retried and completed',
    );

    const [row] = await sql<{ status: string; attempts: number; result: unknown; last_error: string }>(
      'select status::text, attempts, result, last_error from private.jobs where id = $1',
      [job!.id],
    );
    expect(row).toMatchObject({ status: 'succeeded', attempts: 2, result: { message: tag, attempt: 2 } });
    expect(row!.last_error).toContain(`${workerId} stopped answering`);
  });
});
