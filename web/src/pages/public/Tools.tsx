import { Anchor, Badge, Card, Group, Pagination, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { Tool } from '@kit/sdk';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { tools } from '../../api/client.ts';
import { ErrorLine, PageTitle } from '../../components/ui.tsx';
import { useKit } from '../../lib/kit.tsx';
import { usePage } from '../../lib/usePage.ts';

export default function ToolsPage() {
  const kit = useKit();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const list = usePage<Tool>((q) => tools.list(kit, debounced ? { ...q, search: debounced } : q), [kit, debounced], 12);
  return (
    <Stack>
      <PageTitle>Tools</PageTitle>
      <TextInput label="Search tools" value={search} onChange={(e) => setSearch(e.currentTarget.value)} maw={360} />
      <ErrorLine error={list.error} />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {list.data?.items.map((tool) => (
          <Card key={tool.id} withBorder component="article" aria-labelledby={`tool-${tool.id}`}>
            <Group justify="space-between" wrap="nowrap">
              <Anchor component={Link} to={`/tools/${tool.id}`} fw={700} id={`tool-${tool.id}`}>
                {tool.name}
              </Anchor>
              <Badge variant="light">{tool.price_points} points</Badge>
            </Group>
            <Text size="sm" c="dimmed" lineClamp={2}>
              {tool.description}
            </Text>
            <Text size="xs" mt="xs">
              {tool.category} · {tool.rating_average ? `★ ${tool.rating_average.toFixed(1)} (${tool.rating_count})` : 'no ratings yet'}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
      {list.data?.items.length === 0 && <Text c="dimmed">No tools match.</Text>}
      {list.data && list.data.page_count > 1 && (
        <Pagination
          total={list.data.page_count}
          value={list.page}
          onChange={list.setPage}
          getItemProps={(n) => ({ 'aria-label': `Page ${n}` })}
          getControlProps={(control) => ({ 'aria-label': `${control} page` })}
        />
      )}
    </Stack>
  );
}
