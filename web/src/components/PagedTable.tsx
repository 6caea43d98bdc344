/** A `Page<T>` from the SDK as a table with its pagination. */
import { Group, Pagination, Table, Text } from '@mantine/core';
import type { Page } from '@kit/sdk';
import type { ReactNode } from 'react';

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
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c.label} scope="col">
                  {c.label}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {page.items.map((row) => (
              <Table.Tr key={rowKey(row)}>
                {columns.map((c) => (
                  <Table.Td key={c.label}>{c.render(row)}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      {page.items.length === 0 && (
        <Text c="dimmed" my="sm">
          {empty}
        </Text>
      )}
      <Group justify="space-between" mt="sm">
        <Text size="sm" c="dimmed">
          {page.total} in all
        </Text>
        {page.page_count > 1 && (
          <Pagination
            total={page.page_count}
            value={page.page}
            onChange={onPage}
            size="sm"
            getItemProps={(n) => ({ 'aria-label': `Page ${n}` })}
            getControlProps={(control) => ({ 'aria-label': `${control} page` })}
          />
        )}
      </Group>
    </>
  );
}
