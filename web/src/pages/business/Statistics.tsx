/** CRM statistics: clients by status and payments by status (charts). */
import { BarChart, DonutChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { Card, SimpleGrid, Stack, Text } from '@mantine/core';
import { crm, fromCrmAmount } from '../../api/business.ts';
import { ChartFigure, ErrorLine } from '../../components/ui.tsx';
import { useKit } from '../../lib/kit.tsx';
import { useResult } from '../../lib/usePage.ts';

const COLORS: Record<string, string> = { active: 'teal.8', onboarding: 'indigo.8', paused: 'yellow.8', inactive: 'gray.7', cancelled: 'red.8' };

export default function StatisticsSection() {
  const kit = useKit();
  const clients = useResult(() => crm.clientStats(kit), [kit]);
  const payments = useResult(() => crm.paymentStats(kit), [kit]);
  const c = clients.data;
  const donut = c ? (['active', 'onboarding', 'paused', 'inactive', 'cancelled'] as const).map((k) => ({ name: k, value: c[k], color: COLORS[k]! })) : [];
  const bars = (payments.data?.rows ?? []).map((r) => ({
    label: `${r.status} ${r.currency.toUpperCase()}`,
    total: fromCrmAmount(r.total_amount, r.currency),
    payments: r.payments,
  }));
  return (
    <Stack>
      <ErrorLine error={clients.error ?? payments.error} />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Text component="h2" fw={700} mb="xs">
            Clients by status ({c?.total ?? 0} in all)
          </Text>
          <ChartFigure label={`Donut chart of clients by status: ${donut.map((d) => `${d.name} ${d.value}`).join(', ')}`}>
            <DonutChart data={donut} withLabels withLabelsLine={false} mx="auto" />
          </ChartFigure>
        </Card>
        <Card withBorder>
          <Text component="h2" fw={700} mb="xs">
            Payments by status ({payments.data?.total_payments ?? 0} payments)
          </Text>
          <ChartFigure label={`Bar chart of payment totals: ${bars.map((b) => `${b.label} ${b.total}`).join(', ')}`}>
            <BarChart h={220} data={bars} dataKey="label" series={[{ name: 'total', label: 'Total', color: 'indigo.8' }]} />
          </ChartFigure>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
