/** The audit log, background jobs, and Stripe events whose application failed (retried by jobs). */
import { Badge, Code, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { AuditEntry, Job, JobStatus } from '@kit/sdk';
import { useState } from 'react';
import { operations } from '../../api/admin.ts';
import { ErrorLine, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { useKit } from '../../lib/kit.tsx';
import { usePage } from '../../lib/usePage.ts';

export default function OperationsSection() {
  const kit = useKit();
  const [action, setAction] = useState('');
  const [debounced] = useDebouncedValue(action, 300);
  const audit = usePage<AuditEntry>((q) => operations.audit(kit, { ...q, ...(debounced ? { action: debounced } : {}) }), [kit, debounced], 20);
  const [status, setStatus] = useState<JobStatus | null>(null);
  const jobs = usePage<Job>((q) => operations.jobs(kit, { ...q, ...(status ? { status } : {}) }), [kit, status], 20);
  const stripe = usePage<Job>((q) => operations.jobs(kit, { ...q, type: 'payments.reapply_stripe_event' }), [kit], 20);
  return (
    <Stack>
      <Text component="h2" fw={700} size="lg">
        Audit log
      </Text>
      <TextInput label="Action (exact, or a prefix ending in a dot)" value={action} onChange={(e) => setAction(e.currentTarget.value)} maw={360} />
      <ErrorLine error={audit.error} />
      <PagedTable
        caption="Audit log"
        page={audit.data}
        onPage={audit.setPage}
        rowKey={(e) => String(e.id)}
        columns={[
          { label: 'When', render: (e) => dateTime(e.occurred_at) },
          { label: 'Action', render: (e) => <Code>{e.action}</Code> },
          { label: 'Actor', render: (e) => e.actor_role },
          { label: 'Target', render: (e) => `${e.target_type} ${e.target_id ?? ''}` },
        ]}
      />
      <Text component="h2" fw={700} size="lg">
        Jobs
      </Text>
      <Select
        label="Job status"
        data={['queued', 'running', 'succeeded', 'failed', 'cancelled']}
        value={status}
        onChange={(v) => setStatus(v as JobStatus | null)}
        clearable
        maw={200}
      />
      <ErrorLine error={jobs.error} />
      <PagedTable
        caption="Jobs"
        page={jobs.data}
        onPage={jobs.setPage}
        rowKey={(j) => j.id}
        columns={[
          { label: 'Type', render: (j) => <Code>{j.type}</Code> },
          { label: 'Status', render: (j) => <Badge variant="light">{j.status}</Badge> },
          { label: 'Attempts', render: (j) => `${j.attempts} / ${j.max_attempts}` },
          { label: 'Created', render: (j) => dateTime(j.created_at) },
          { label: 'Last error', render: (j) => j.last_error ?? '' },
        ]}
      />
      <Text component="h2" fw={700} size="lg">
        Failed Stripe events
      </Text>
      <Text size="sm" c="dimmed">
        A Stripe event whose application failed is re-applied by a background job; these are those jobs.
      </Text>
      <ErrorLine error={stripe.error} />
      <PagedTable
        caption="Failed Stripe events"
        page={stripe.data}
        onPage={stripe.setPage}
        rowKey={(j) => j.id}
        empty="No failed Stripe event."
        columns={[
          { label: 'Event', render: (j) => <Code>{(j.payload as { event_id?: string }).event_id ?? j.id}</Code> },
          { label: 'Status', render: (j) => <Badge variant="light">{j.status}</Badge> },
          { label: 'Attempts', render: (j) => `${j.attempts} / ${j.max_attempts}` },
          { label: 'Last error', render: (j) => j.last_error ?? '' },
        ]}
      />
    </Stack>
  );
}
