/** Revenue: totals, points earned per day (chart), per tool; payouts (request idempotently, list). */
import { BarChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { Badge, Button, Card, Group, NumberInput, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { Payout } from '@kit/sdk';
import { useCallback, useState } from 'react';
import { revenue } from '../../api/creator.ts';
import { ChartFigure, ErrorLine, Notice, PageTitle, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { useAction } from '../../lib/useAction.ts';
import { usePage, useResult } from '../../lib/usePage.ts';

export default function RevenuePage() {
  const kit = useKit();
  const stats = useResult(() => revenue.stats(kit), [kit]);
  const payouts = usePage<Payout>((q) => revenue.payouts(kit, q), [kit], 20);
  const form = useForm<{ amount: number | string }>({ initialValues: { amount: '' } });
  const run = useCallback((key: string, amount: number) => revenue.requestPayout(kit, amount, key), [kit]);
  const payout = useAction(run);
  const [notice, setNotice] = useState<string | null>(null);
  const submit = form.onSubmit(async ({ amount }) => {
    const result = await payout.execute(Number(amount));
    showFieldErrors(form, result?.error);
    if (result?.data) {
      setNotice(`Payout of ${result.data.amount_points} points requested.`);
      form.reset();
      stats.reload();
      payouts.reload();
    }
  });
  const s = stats.data;
  return (
    <Stack>
      <PageTitle>Revenue and payouts</PageTitle>
      <ErrorLine error={stats.error} />
      {s && (
        <>
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            {[
              ['Earned', s.totals.points_earned],
              ['Available', s.totals.points_available],
              ['Pending payout', s.totals.points_pending_payout],
              ['Paid out', s.totals.points_paid_out],
            ].map(([label, value]) => (
              <Card key={label} withBorder>
                <Text size="sm" c="dimmed">
                  {label}
                </Text>
                <Text fw={700} size="lg" data-testid={`total-${String(label).toLowerCase().replace(' ', '-')}`}>
                  {value} points
                </Text>
              </Card>
            ))}
          </SimpleGrid>
          <Card withBorder>
            <Text component="h2" fw={700} mb="xs">
              Points earned per day, {s.from} to {s.to}
            </Text>
            <ChartFigure label={`Bar chart of points earned per day: ${s.in_range.points_earned} points in ${s.in_range.usages} uses`}>
              <BarChart h={220} data={s.per_day} dataKey="day" series={[{ name: 'points_earned', label: 'Points earned', color: 'indigo.8' }]} />
            </ChartFigure>
          </Card>
          <Table aria-label="Per tool">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Tool</Table.Th>
                <Table.Th scope="col">Uses</Table.Th>
                <Table.Th scope="col">Points earned</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.per_tool.map((t) => (
                <Table.Tr key={t.tool_id}>
                  <Table.Td>{t.name}</Table.Td>
                  <Table.Td>{t.usages}</Table.Td>
                  <Table.Td>{t.points_earned}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
      <Card withBorder maw={480}>
        <form onSubmit={submit} noValidate>
          <Group align="flex-start">
            <NumberInput label="Payout amount (points)" min={1} required {...form.getInputProps('amount')} />
            <Button type="submit" mt={24} loading={payout.pending} disabled={payout.pending}>
              Request a payout
            </Button>
          </Group>
          <ErrorLine error={payout.error} />
        </form>
      </Card>
      {notice && <Notice>{notice}</Notice>}
      <PagedTable
        caption="Payouts"
        page={payouts.data}
        onPage={payouts.setPage}
        rowKey={(p) => p.id}
        columns={[
          { label: 'Requested', render: (p) => dateTime(p.created_at) },
          { label: 'Points', render: (p) => p.amount_points },
          { label: 'Status', render: (p) => <Badge variant="light">{p.status}</Badge> },
        ]}
      />
    </Stack>
  );
}
