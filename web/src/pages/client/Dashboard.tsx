import { Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import type { WalletEntry } from '@kit/sdk';
import { Link } from 'react-router-dom';
import { wallet } from '../../api/client.ts';
import { ErrorLine, PageTitle, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { useKit } from '../../lib/kit.tsx';
import { usePage, useResult } from '../../lib/usePage.ts';

export default function DashboardPage() {
  const kit = useKit();
  const balance = useResult(() => wallet.balance(kit), [kit]);
  const ledger = usePage<WalletEntry>((q) => wallet.history(kit, q), [kit], 20);
  return (
    <Stack>
      <PageTitle>Wallet</PageTitle>
      <Card withBorder>
        <Group justify="space-between">
          <div>
            <Text size="sm" c="dimmed">
              Balance
            </Text>
            <Text size="xl" fw={700} data-testid="balance">
              {balance.data ? `${balance.data.balance} points` : '…'}
            </Text>
          </div>
          <Button component={Link} to="/wallet/buy">
            Buy points
          </Button>
        </Group>
      </Card>
      <ErrorLine error={balance.error ?? ledger.error} />
      <Text component="h2" fw={700} size="lg">
        History
      </Text>
      <PagedTable
        caption="Wallet history"
        page={ledger.data}
        onPage={ledger.setPage}
        rowKey={(e) => String(e.id)}
        columns={[
          { label: 'When', render: (e) => dateTime(e.created_at) },
          { label: 'What', render: (e) => <Badge variant="light">{e.kind}</Badge> },
          { label: 'Points', render: (e) => (e.amount > 0 ? `+${e.amount}` : String(e.amount)) },
          { label: 'Balance after', render: (e) => e.balance_after },
        ]}
      />
    </Stack>
  );
}
