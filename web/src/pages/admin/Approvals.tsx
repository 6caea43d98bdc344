/** Businesses, tools and creators' changes to live tools (revisions) waiting for an admin's decision. */
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import type { Account, ToolRevision } from '@kit/sdk';
import { useCallback, useState } from 'react';
import { approvals, revisions } from '../../api/admin.ts';
import { ActionButton } from '../../components/ActionButton.tsx';
import { ErrorLine, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { useKit } from '../../lib/kit.tsx';
import { useAction } from '../../lib/useAction.ts';
import { usePage } from '../../lib/usePage.ts';

/** Rejecting a revision needs a reason the creator reads: asked in a dialog. */
function RejectRevision({ revision, onDone }: { revision: ToolRevision; onDone: () => void }) {
  const kit = useKit();
  const [opened, setOpened] = useState(false);
  const [note, setNote] = useState('');
  const run = useCallback((key: string, text: string) => revisions.review(kit, revision.id, 'reject', text, key), [kit, revision.id]);
  const reject = useAction(run);
  const confirm = async () => {
    const result = await reject.execute(note.trim());
    if (result?.data) {
      setOpened(false);
      onDone();
    }
  };
  return (
    <>
      <Button size="xs" variant="default" aria-label={`Reject the changes to ${revision.name}`} onClick={() => setOpened(true)}>
        Reject
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title={`Reject the changes to ${revision.name}`}>
        <Stack>
          <Textarea label="Why (the creator reads this)" required value={note} onChange={(e) => setNote(e.currentTarget.value)} error={reject.fields.note} />
          <ErrorLine error={reject.error} />
          <Button color="red.9" loading={reject.pending} disabled={reject.pending || !note.trim()} onClick={() => void confirm()}>
            Reject the changes
          </Button>
        </Stack>
      </Modal>
    </>
  );
}

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
  const pendingRevisions = usePage<ToolRevision>((q) => revisions.list(kit, { ...q, status: 'pending' }), [kit], 20);
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
      <Text component="h2" fw={700} size="lg">
        Changes to live tools waiting for review
      </Text>
      <Text size="sm" c="dimmed">
        A creator's edit of an approved tool applies only when approved; until then clients pay the approved price.
      </Text>
      <ErrorLine error={pendingRevisions.error} />
      <PagedTable
        caption="Tool changes waiting for review"
        page={pendingRevisions.data}
        onPage={pendingRevisions.setPage}
        rowKey={(r) => r.id}
        empty="No change is waiting."
        columns={[
          { label: 'Tool', render: (r) => r.name },
          { label: 'Proposed price', render: (r) => `${r.price_points} points` },
          { label: 'Category', render: (r) => r.category },
          { label: 'Creator share', render: (r) => `${r.creator_share_percent} %` },
          {
            label: 'Description',
            render: (r) => (
              <Text size="sm" lineClamp={2}>
                {r.description}
              </Text>
            ),
          },
          { label: 'Proposed', render: (r) => dateTime(r.created_at) },
          {
            label: 'Decision',
            render: (r) => (
              <Group gap="xs" wrap="nowrap">
                <ActionButton
                  label="Approve"
                  ariaLabel={`Approve the changes to ${r.name}`}
                  variant="filled"
                  run={(key) => revisions.review(kit, r.id, 'approve', undefined, key)}
                  onDone={pendingRevisions.reload}
                />
                <RejectRevision revision={r} onDone={pendingRevisions.reload} />
              </Group>
            ),
          },
        ]}
      />
    </Stack>
  );
}
