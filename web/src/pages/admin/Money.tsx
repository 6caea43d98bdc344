/** Payouts and refunds to decide, and points adjustments (each an idempotent intent). */
import { Badge, Button, Card, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { Payout, PayoutStatus, Refund } from '@kit/sdk';
import { useCallback, useState } from 'react';
import { payouts, points, refunds } from '../../api/admin.ts';
import { ActionButton } from '../../components/ActionButton.tsx';
import { ErrorLine, Notice, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { useAction } from '../../lib/useAction.ts';
import { usePage } from '../../lib/usePage.ts';

function AdjustPoints() {
  const kit = useKit();
  const form = useForm<{ user_id: string; amount: number | string; reason: string }>({ initialValues: { user_id: '', amount: '', reason: '' } });
  const run = useCallback((key: string, userId: string, amount: number, reason: string) => points.adjust(kit, userId, amount, reason, key), [kit]);
  const adjust = useAction(run);
  const [notice, setNotice] = useState<string | null>(null);
  const submit = form.onSubmit(async (v) => {
    setNotice(null);
    const result = await adjust.execute(v.user_id.trim(), Number(v.amount), v.reason);
    showFieldErrors(form, result?.error);
    if (result?.data) setNotice(`Adjusted by ${result.data.amount} points: balance now ${result.data.balance_after}.`);
  });
  return (
    <Card withBorder maw={560}>
      <Text component="h2" fw={700} mb="xs">
        Adjust a user's points
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="User id" description="From the Users tab" required {...form.getInputProps('user_id')} />
          <NumberInput label="Points (negative to deduct)" required {...form.getInputProps('amount')} />
          <TextInput label="Reason" required {...form.getInputProps('reason')} />
          <ErrorLine error={adjust.error} />
          {notice && <Notice>{notice}</Notice>}
          <Button type="submit" loading={adjust.pending} disabled={adjust.pending}>
            Adjust
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

export default function MoneySection() {
  const kit = useKit();
  const [status, setStatus] = useState<PayoutStatus>('requested');
  const payoutList = usePage<Payout>((q) => payouts.list(kit, { ...q, status }), [kit, status], 20);
  const refundList = usePage<Refund>((q) => refunds.list(kit, q), [kit], 20);
  return (
    <Stack>
      <Group justify="space-between">
        <Text component="h2" fw={700} size="lg">
          Payouts
        </Text>
        <Select
          label="Status"
          data={['requested', 'approved', 'paid', 'rejected']}
          value={status}
          onChange={(v) => v && setStatus(v as PayoutStatus)}
          allowDeselect={false}
          w={160}
        />
      </Group>
      <ErrorLine error={payoutList.error} />
      <PagedTable
        caption="Payouts"
        page={payoutList.data}
        onPage={payoutList.setPage}
        rowKey={(p) => p.id}
        columns={[
          { label: 'Requested', render: (p) => dateTime(p.created_at) },
          { label: 'Points', render: (p) => p.amount_points },
          { label: 'Status', render: (p) => <Badge variant="light">{p.status}</Badge> },
          {
            label: 'Decision',
            render: (p) => (
              <Group gap="xs" wrap="nowrap">
                {p.status === 'requested' && (
                  <ActionButton
                    label="Approve"
                    ariaLabel={`Approve payout of ${p.amount_points} points`}
                    variant="filled"
                    run={(key) => payouts.approve(kit, p.id, key)}
                    onDone={payoutList.reload}
                  />
                )}
                {p.status === 'requested' && (
                  <ActionButton
                    label="Reject"
                    ariaLabel={`Reject payout of ${p.amount_points} points`}
                    run={(key) => payouts.reject(kit, p.id, 'Bank details missing', key)}
                    onDone={payoutList.reload}
                  />
                )}
                {p.status === 'approved' && (
                  <ActionButton
                    label="Mark paid"
                    ariaLabel={`Mark payout of ${p.amount_points} points paid`}
                    variant="filled"
                    run={(key) => payouts.markPaid(kit, p.id, key)}
                    onDone={payoutList.reload}
                  />
                )}
              </Group>
            ),
          },
        ]}
      />
      <Text component="h2" fw={700} size="lg">
        Refund requests
      </Text>
      <ErrorLine error={refundList.error} />
      <PagedTable
        caption="Refund requests"
        page={refundList.data}
        onPage={refundList.setPage}
        rowKey={(r) => r.id}
        columns={[
          { label: 'Asked', render: (r) => dateTime(r.created_at) },
          { label: 'Points', render: (r) => r.points },
          { label: 'Reason', render: (r) => r.reason },
          {
            label: 'Decision',
            render: (r) => (
              <Group gap="xs" wrap="nowrap">
                <ActionButton
                  label="Approve"
                  ariaLabel={`Approve refund: ${r.reason}`}
                  variant="filled"
                  run={(key) => refunds.approve(kit, r.id, key)}
                  onDone={refundList.reload}
                />
                <ActionButton
                  label="Reject"
                  ariaLabel={`Reject refund: ${r.reason}`}
                  run={(key) => refunds.reject(kit, r.id, 'The tool worked as described', key)}
                  onDone={refundList.reload}
                />
              </Group>
            ),
          },
        ]}
      />
      <AdjustPoints />
    </Stack>
  );
}
