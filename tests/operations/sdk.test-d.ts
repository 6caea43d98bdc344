/**
 * Type-level tests of the operations SDK (`kit.jobs`, `kit.admin.audit`, `kit.system.metrics`):
 * `npm run typecheck` fails if a wrong call compiles.
 */
import { createClient, type AuditEntry, type Job, type Metrics, type Result } from '../../src/sdk/index.ts';

const kit = createClient('http://127.0.0.1:54321', 'sb_publishable_key');

export async function jobsAreTyped(): Promise<void> {
  const job: Result<Job> = await kit.jobs.get('00000000-0000-4000-8000-000000000000');
  if (job.error) return;
  // @ts-expect-error 'done' is not a job status
  if (job.data.status === 'done') return;
  // @ts-expect-error the lease token is never exposed
  void job.data.lease_token;
  // @ts-expect-error only known job types can be enqueued
  await kit.admin.jobs.enqueue({ type: 'send.spam' });
  // @ts-expect-error list filters by a job status
  await kit.jobs.list({ status: 'sleeping' });
}

export async function auditIsTyped(): Promise<void> {
  const page = await kit.admin.audit.list({ action: 'payout.', target_type: 'payout' });
  if (page.error) return;
  const first: AuditEntry | undefined = page.data.items[0];
  // @ts-expect-error audit ids are numbers
  const id: string | undefined = first?.id;
  void id;
  // @ts-expect-error there is no way to write to the audit log through the SDK
  await kit.admin.audit.insert({ action: 'forged.entry' });
}

export async function metricsAreTyped(): Promise<void> {
  const metrics: Result<Metrics> = await kit.system.metrics();
  if (metrics.error) return;
  // @ts-expect-error sample values are numbers
  const value: string = metrics.data.samples[0]!.value;
  void value;
}
