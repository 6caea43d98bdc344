/** Small shared pieces: an error line with its code, a paged table, the page title. */
import { Alert, Group, Pagination, Table, Text, Title } from '@mantine/core';
import type { Page, SdkError } from '@kit/sdk';
import { useEffect, type ReactNode } from 'react';
import { describeError } from '../lib/errors.ts';

export function ErrorLine({ error }: { error: Pick<SdkError, 'code' | 'message'> | null | undefined }) {
  if (!error) return null;
  return (
    <Alert color="red" role="alert" data-code={error.code} title="Could not complete">
      {describeError(error)} <Text span size="xs" c="dimmed">({error.code})</Text>
    </Alert>
  );
}

export function PageTitle({ children }: { children: string }) {
  useEffect(() => {
    document.title = `${children} · Backend kit`;
  }, [children]);
  return <Title order={1} size="h2" mb="md">{children}</Title>;
}

export interface Column<T> {
  label: string;
  render: (row: T) => ReactNode;
}

export function PagedTable<T>({
  page,
  columns,
  onPage,
  caption,
  rowKey,
  empty = 'Nothing here yet.',
}: {
  page: Page<T> | null;
  columns: Column<T>[];
  onPage: (page: number) => void;
  caption: string;
  rowKey: (row: T) => string;
  empty?: string;
}) {
  if (!page) return null;
  return (
    <>
      <div role="region" aria-label={`${caption} (scrolls sideways)`} tabIndex={0} style={{ overflowX: 'auto' }}>
        <Table striped highlightOnHover aria-label={caption} miw={480}>
          <Table.Thead>
            <Table.Tr>{columns.map((c) => <Table.Th key={c.label} scope="col">{c.label}</Table.Th>)}</Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {page.items.map((row) => (
              <Table.Tr key={rowKey(row)}>{columns.map((c) => <Table.Td key={c.label}>{c.render(row)}</Table.Td>)}</Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      {page.items.length === 0 && <Text c="dimmed" my="sm">{empty}</Text>}
      <Group justify="space-between" mt="sm">
        <Text size="sm" c="dimmed">{page.total} in all</Text>
        {page.page_count > 1 && (
          <Pagination total={page.page_count} value={page.page} onChange={onPage} size="sm" getItemProps={(n) => ({ 'aria-label': `Page ${n}` })} getControlProps={(control) => ({ 'aria-label': `${control} page` })} />
        )}
      </Group>
    </>
  );
}

export const dateTime = (value: string | null | undefined) => (value ? new Date(value).toLocaleString() : '—');
export const money = (minor: number, currency = 'usd') =>
  new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(minor / 100);

/** A success message, announced politely to screen readers. */
export function Notice({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <div role="status">
      <Alert color="teal" title={title} role="presentation">{children}</Alert>
    </div>
  );
}

/** A chart as one image with a text alternative; the drawing itself is hidden from assistive tech. */
export function ChartFigure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="img" aria-label={label}>
      {/* inert: the chart library's focusable layer must not take focus while hidden. */}
      <div aria-hidden="true" {...{ inert: '' }}>{children}</div>
    </div>
  );
}
