/**
 * A tool: its price, "use it" at the price shown (the SDK sends it as the expected price, so a price
 * change in between charges nothing), and its reviews. One idempotency key per intent to use it.
 */
import { Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import type { Review, ToolUse } from '@kit/sdk';
import { useCallback } from 'react';
import { Link, useParams } from 'react-router-dom';
import { tools } from '../../api/client.ts';
import { ErrorLine, Notice, PageTitle, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { useAuth, useKit } from '../../lib/kit.tsx';
import { useAction } from '../../lib/useAction.ts';
import { usePage, useResult } from '../../lib/usePage.ts';

export default function ToolDetailPage() {
  const { id = '' } = useParams();
  const kit = useKit();
  const { session } = useAuth();
  const tool = useResult(() => tools.get(kit, id), [kit, id]);
  const reviews = usePage<Review>((q) => tools.reviews(kit, id, q), [kit, id], 10);
  const run = useCallback((key: string, price: number) => tools.use(kit, id, price, key), [kit, id]);
  const use = useAction<[number], ToolUse>(run);
  const t = tool.data;
  return (
    <Stack>
      <PageTitle>{t?.name ?? 'Tool'}</PageTitle>
      <ErrorLine error={tool.error} />
      {t && (
        <Card withBorder>
          <Text>{t.description}</Text>
          <Group mt="sm">
            <Badge size="lg" data-testid="price">
              {t.price_points} points per use
            </Badge>
            <Text size="sm" c="dimmed">
              {t.category} · used {t.usage_count} times
            </Text>
          </Group>
          {session ? (
            <Group mt="md">
              <Button onClick={() => void use.execute(t.price_points)} loading={use.pending} disabled={use.pending}>
                Use for {t.price_points} points
              </Button>
              <Button variant="subtle" component={Link} to="/usages">
                My uses
              </Button>
            </Group>
          ) : (
            <Button mt="md" component={Link} to={`/sign-in?next=/tools/${t.id}`}>
              Sign in to use it
            </Button>
          )}
          <ErrorLine error={use.error} />
          {use.data && (
            <Notice title="Done">
              Charged {use.data.usage.points_charged} points{use.data.replayed ? ' (already done earlier: nothing charged again)' : ''}. Balance now {use.data.balance} points.
            </Notice>
          )}
        </Card>
      )}
      <Text component="h2" fw={700} size="lg">
        Reviews
      </Text>
      <PagedTable
        caption="Reviews"
        page={reviews.data}
        onPage={reviews.setPage}
        rowKey={(r) => r.id}
        empty="No reviews yet."
        columns={[
          { label: 'Rating', render: (r) => `${r.rating} / 5` },
          { label: 'Review', render: (r) => r.review ?? '' },
          { label: 'When', render: (r) => dateTime(r.created_at) },
        ]}
      />
    </Stack>
  );
}
