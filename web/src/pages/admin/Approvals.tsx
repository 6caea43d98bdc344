/** Businesses and tools waiting for an admin's decision. */
import { Group, Stack, Text } from '@mantine/core';
import type { Account } from '@kit/sdk';
import { approvals } from '../../api/admin.ts';
import { ActionButton } from '../../components/ActionButton.tsx';
import { ErrorLine, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { useKit } from '../../lib/kit.tsx';
import { usePage } from '../../lib/usePage.ts';

interface PendingTool {
  id: string;
  name: string;
  category: string;
  price_points: number;
  submitted_at: string | null;
}

export default function ApprovalsSection() {
  const kit = useKit();
  const accounts = usePage<Account>((q) => approvals.accounts(kit, { ...q, status: 'pending' }), [kit], 20);
  const tools = usePage<PendingTool>((q) => approvals.pendingTools(kit, q), [kit], 20);
  return (
    <Stack>
      <Text component="h2" fw={700} size="lg">
        Businesses waiting for approval
      </Text>
      <ErrorLine error={accounts.error} />
      <PagedTable
        caption="Businesses waiting for approval"
        page={accounts.data}
        onPage={accounts.setPage}
        rowKey={(a) => a.id}
        empty="No business is waiting."
        columns={[
          { label: 'Business', render: (a) => a.name },
          { label: 'Since', render: (a) => dateTime(a.created_at) },
          {
            label: 'Decision',
            render: (a) => (
              <Group gap="xs" wrap="nowrap">
                <ActionButton label="Approve" ariaLabel={`Approve ${a.name}`} variant="filled" run={(key) => approvals.approveAccount(kit, a.id, key)} onDone={accounts.reload} />
                <ActionButton
                  label="Reject"
                  ariaLabel={`Reject ${a.name}`}
                  run={(key) => approvals.rejectAccount(kit, a.id, 'Could not verify the business', key)}
                  onDone={accounts.reload}
                />
              </Group>
            ),
          },
        ]}
      />
      <Text component="h2" fw={700} size="lg">
        Tools waiting for review
      </Text>
      <ErrorLine error={tools.error} />
      <PagedTable
        caption="Tools waiting for review"
        page={tools.data}
        onPage={tools.setPage}
        rowKey={(t) => t.id}
        empty="No tool is waiting."
        columns={[
          { label: 'Tool', render: (t) => t.name },
          { label: 'Price', render: (t) => `${t.price_points} points` },
          { label: 'Submitted', render: (t) => dateTime(t.submitted_at) },
          {
            label: 'Decision',
            render: (t) => (
              <Group gap="xs" wrap="nowrap">
                <ActionButton
                  label="Approve"
                  ariaLabel={`Approve ${t.name}`}
                  variant="filled"
                  run={(key) => approvals.reviewTool(kit, t.id, 'approve', key)}
                  onDone={tools.reload}
                />
                <ActionButton label="Reject" ariaLabel={`Reject ${t.name}`} run={(key) => approvals.reviewTool(kit, t.id, 'reject', key)} onDone={tools.reload} />
              </Group>
            ),
          },
        ]}
      />
    </Stack>
  );
}
