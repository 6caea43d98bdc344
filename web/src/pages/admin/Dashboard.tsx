/** Analytics: payments and vouchers over a date range (chart), the system's health. */
import { AreaChart, BarChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { Badge, Card, Group, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { operations } from '../../api/admin.ts';
import { ChartFigure, ErrorLine, money } from '../../components/ui.tsx';
import { useKit } from '../../lib/kit.tsx';
import { useResult } from '../../lib/usePage.ts';

const day = (d: Date) => d.toISOString().slice(0, 10);

export default function DashboardSection() {
  const kit = useKit();
  const [from, setFrom] = useState(day(new Date(Date.now() - 29 * 86_400_000)));
  const [to, setTo] = useState(day(new Date()));
  const dashboard = useResult(() => operations.dashboard(kit, from, to), [kit, from, to]);
  const health = useResult(() => operations.health(kit), [kit]);
  const totals = dashboard.data?.totals[0];
  return (
    <Stack>
      <Group>
        <TextInput type="date" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        <TextInput type="date" label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        {health.data && (
          <Badge color={health.data.status === 'ok' ? 'teal' : 'red'} variant="light" mt={24}>
            system {health.data.status}, database {health.data.database}
          </Badge>
        )}
      </Group>
      <ErrorLine error={dashboard.error} />
      {totals && (
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          {[
            ['Revenue', money(totals.revenue, totals.currency)],
            ['Net revenue', money(totals.net_revenue, totals.currency)],
            ['Vouchers sold', totals.vouchers_sold],
            ['Points sold', totals.points_sold],
          ].map(([label, value]) => (
            <Card key={String(label)} withBorder>
              <Text size="sm" c="dimmed">
                {label}
              </Text>
              <Text fw={700}>{value}</Text>
            </Card>
          ))}
        </SimpleGrid>
      )}
      {dashboard.data && (
        <>
          <Card withBorder>
            <Text component="h2" fw={700} mb="xs">
              Revenue per day (minor units)
            </Text>
            <ChartFigure label="Area chart of revenue per day">
              <AreaChart
                h={220}
                data={dashboard.data.revenue_by_day}
                dataKey="day"
                series={[
                  { name: 'revenue', label: 'Revenue', color: 'indigo.8' },
                  { name: 'refunded', label: 'Refunded', color: 'red.8' },
                ]}
              />
            </ChartFigure>
          </Card>
          <Card withBorder>
            <Text component="h2" fw={700} mb="xs">
              Top voucher types
            </Text>
            <ChartFigure label="Bar chart of revenue by voucher type">
              <BarChart h={200} data={dashboard.data.top_voucher_types} dataKey="name" series={[{ name: 'revenue', label: 'Revenue', color: 'teal.8' }]} />
            </ChartFigure>
          </Card>
        </>
      )}
      <Text size="sm" c="dimmed">
        Prometheus metrics (`/functions/v1/metrics`) are for the service role or a scraper with the metrics key, not for a browser session.
      </Text>
    </Stack>
  );
}
