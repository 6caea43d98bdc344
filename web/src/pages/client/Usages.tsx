/** The tools I used: rate a use, ask a refund of it (one idempotency key per refund intent). */
import { Badge, Button, Group, Modal, NumberInput, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { Refund, Usage } from '@kit/sdk';
import { useCallback, useState } from 'react';
import { usages } from '../../api/client.ts';
import { ErrorLine, PageTitle, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { useAction } from '../../lib/useAction.ts';
import { usePage } from '../../lib/usePage.ts';

function RateForm({ usage, onDone }: { usage: Usage; onDone: () => void }) {
  const kit = useKit();
  const form = useForm({ initialValues: { rating: 5, review: '' } });
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Parameters<typeof ErrorLine>[0]['error']>(null);
  const submit = form.onSubmit(async ({ rating, review }) => {
    setPending(true);
    const result = await usages.rate(kit, usage.id, rating, review || undefined);
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (!result.error) onDone();
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <NumberInput label="Rating (1 to 5)" min={1} max={5} {...form.getInputProps('rating')} />
        <Textarea label="Review" {...form.getInputProps('review')} />
        <ErrorLine error={error} />
        <Button type="submit" loading={pending} disabled={pending}>
          Send the rating
        </Button>
      </Stack>
    </form>
  );
}

function RefundForm({ usage, onDone }: { usage: Usage; onDone: () => void }) {
  const kit = useKit();
  const form = useForm({ initialValues: { reason: '' } });
  const run = useCallback((key: string, reason: string) => usages.refund(kit, usage.id, reason, key), [kit, usage.id]);
  const refund = useAction(run);
  const submit = form.onSubmit(async ({ reason }) => {
    const result = await refund.execute(reason);
    showFieldErrors(form, result?.error);
    if (result?.data) onDone();
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Textarea label="Why do you want a refund?" required {...form.getInputProps('reason')} />
        <ErrorLine error={refund.error} />
        <Button type="submit" loading={refund.pending} disabled={refund.pending}>
          Ask for a refund of {usage.points_charged} points
        </Button>
      </Stack>
    </form>
  );
}

export default function UsagesPage() {
  const kit = useKit();
  const list = usePage<Usage>((q) => usages.list(kit, q), [kit], 20);
  const refunds = usePage<Refund>((q) => usages.refunds(kit, q), [kit], 10);
  const [dialog, setDialog] = useState<{ kind: 'rate' | 'refund'; usage: Usage } | null>(null);
  const done = (message: string) => {
    setDialog(null);
    setNotice(message);
    list.reload();
    refunds.reload();
  };
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <Stack>
      <PageTitle>My tool uses</PageTitle>
      <ErrorLine error={list.error} />
      {notice && (
        <Text role="status" c="teal.9">
          {notice}
        </Text>
      )}
      <PagedTable
        caption="My tool uses"
        page={list.data}
        onPage={list.setPage}
        rowKey={(u) => u.id}
        columns={[
          { label: 'When', render: (u) => dateTime(u.created_at) },
          { label: 'Points', render: (u) => u.points_charged },
          { label: 'Status', render: (u) => <Badge variant="light">{u.status}</Badge> },
          {
            label: 'Actions',
            render: (u) => (
              <Group gap="xs" wrap="nowrap">
                <Button size="xs" variant="default" onClick={() => setDialog({ kind: 'rate', usage: u })}>
                  Rate
                </Button>
                <Button size="xs" variant="default" onClick={() => setDialog({ kind: 'refund', usage: u })}>
                  Refund
                </Button>
              </Group>
            ),
          },
        ]}
      />
      <Text component="h2" fw={700} size="lg">
        My refund requests
      </Text>
      <PagedTable
        caption="My refund requests"
        page={refunds.data}
        onPage={refunds.setPage}
        rowKey={(r) => r.id}
        columns={[
          { label: 'When', render: (r) => dateTime(r.created_at) },
          { label: 'Points', render: (r) => r.points },
          { label: 'Status', render: (r) => <Badge variant="light">{r.status}</Badge> },
        ]}
      />
      <Modal opened={dialog !== null} onClose={() => setDialog(null)} title={dialog?.kind === 'rate' ? 'Rate this use' : 'Ask for a refund'}>
        {dialog?.kind === 'rate' && <RateForm usage={dialog.usage} onDone={() => done('Thanks for your rating.')} />}
        {dialog?.kind === 'refund' && <RefundForm usage={dialog.usage} onDone={() => done('Refund requested: an admin will decide.')} />}
      </Modal>
    </Stack>
  );
}
