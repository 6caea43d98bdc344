/** The platform's metrics (the metrics function, which answers platform admins): one row per sample, filterable by name. */
import { Button, Code, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { operations } from '../../api/admin.ts';
import { ErrorLine } from '../../components/ui.tsx';
import { useKit } from '../../lib/kit.tsx';
import { useResult } from '../../lib/usePage.ts';

const labelText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(', ');

export default function MetricsSection() {
  const kit = useKit();
  const [filter, setFilter] = useState('');
  const metrics = useResult(() => operations.metrics(kit), [kit]);
  const needle = filter.trim().toLowerCase();
  const samples = (metrics.data?.samples ?? []).filter((s) => needle === '' || s.name.toLowerCase().includes(needle));
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        The same samples a Prometheus scraper reads: users, accounts, points, payments, jobs, and requests to every function.
      </Text>
      <Group align="end">
        <TextInput label="Metric name contains" value={filter} onChange={(e) => setFilter(e.currentTarget.value)} maw={360} />
        <Button variant="default" onClick={metrics.reload}>
          Reload the metrics
        </Button>
      </Group>
      <ErrorLine error={metrics.error} />
      {metrics.data && (
        <div role="region" aria-label="Platform metrics (scrolls sideways)" tabIndex={0} style={{ overflowX: 'auto' }}>
          <Table striped highlightOnHover miw={480} captionSide="top">
            <Table.Caption>Platform metrics ({samples.length} samples)</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Metric</Table.Th>
                <Table.Th scope="col">Labels</Table.Th>
                <Table.Th scope="col">Value</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {samples.map((s) => (
                <Table.Tr key={`${s.name}{${labelText(s.labels)}}`}>
                  <Table.Td>
                    <Code>{s.name}</Code>
                  </Table.Td>
                  <Table.Td>{labelText(s.labels)}</Table.Td>
                  <Table.Td>{String(s.value)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
    </Stack>
  );
}
