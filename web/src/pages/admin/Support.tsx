/**
 * Support for platform admins: every ticket (filter by status, 20 a page), a ticket's conversation,
 * a reply (one per intent: a double click sends it once), closing and reopening, its priority, and
 * the admin it is assigned to (or nobody: Unassign). The list shows each ticket's priority and assignee.
 */
import { Badge, Button, Card, Group, Modal, Select, SimpleGrid, Stack, Text, Textarea } from '@mantine/core';
import type { AdminUser, SdkError, SupportTicket, TicketPriority, TicketStatus } from '@kit/sdk';
import { useCallback, useState } from 'react';
import { support } from '../../api/admin.ts';
import { ActionButton } from '../../components/ActionButton.tsx';
import { ErrorLine, Notice, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { useKit } from '../../lib/kit.tsx';
import { useAction } from '../../lib/useAction.ts';
import { usePage, useResult } from '../../lib/usePage.ts';

const STATUSES = ['open', 'pending', 'resolved', 'closed'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

function assigneeName(admins: AdminUser[], id: string | null): string {
  if (!id) return 'nobody';
  return admins.find((a) => a.id === id)?.email ?? id;
}

function Ticket({ ticket: initial, admins, onChanged }: { ticket: SupportTicket; admins: AdminUser[]; onChanged: () => void }) {
  const kit = useKit();
  const [ticket, setTicket] = useState(initial);
  const [changeError, setChangeError] = useState<SdkError | null>(null);
  const [changing, setChanging] = useState(false);
  /** A priority or an assignment: the answer is the ticket as saved. */
  const change = async (request: PromiseLike<{ data: SupportTicket; error: null } | { data: null; error: SdkError }>) => {
    setChanging(true);
    const result = await request;
    setChanging(false);
    setChangeError(result.error);
    if (result.data) {
      setTicket(result.data);
      onChanged();
    }
  };
  const thread = useResult(() => support.get(kit, ticket.id), [kit, ticket.id]);
  const [body, setBody] = useState('');
  const run = useCallback((key: string, text: string) => support.reply(kit, ticket.id, text, key), [kit, ticket.id]);
  const reply = useAction(run);
  const [sent, setSent] = useState(false);
  const send = async () => {
    const result = await reply.execute(body);
    if (result?.data) {
      setBody('');
      setSent(true);
      thread.reload();
      onChanged();
    }
  };
  const status = thread.data?.ticket.status ?? ticket.status;
  const changed = () => {
    thread.reload();
    onChanged();
  };
  return (
    <Stack>
      <Group gap="xs">
        <Badge variant="light">{status}</Badge>
        <Badge variant="light" color="gray">
          {ticket.priority} priority
        </Badge>
        <Badge variant="light" color="gray">
          assigned to {assigneeName(admins, ticket.assigned_to)}
        </Badge>
      </Group>
      <SimpleGrid cols={{ base: 1, xs: 2 }}>
        <Select
          label="Priority"
          data={PRIORITIES}
          value={ticket.priority}
          allowDeselect={false}
          disabled={changing}
          onChange={(v) => {
            if (v && v !== ticket.priority) void change(support.setPriority(kit, ticket.id, v as TicketPriority));
          }}
        />
        <Select
          label="Assigned to"
          placeholder="Nobody"
          data={admins.map((a) => ({ value: a.id, label: a.email }))}
          value={ticket.assigned_to}
          allowDeselect={false}
          disabled={changing}
          onChange={(v) => {
            if (v && v !== ticket.assigned_to) void change(support.assign(kit, ticket.id, v));
          }}
        />
      </SimpleGrid>
      {ticket.assigned_to && (
        <Group>
          <Button size="xs" variant="default" disabled={changing} onClick={() => void change(support.assign(kit, ticket.id, null))}>
            Unassign the ticket
          </Button>
        </Group>
      )}
      <ErrorLine error={changeError} />
      <ErrorLine error={thread.error} />
      {thread.data?.messages.map((m) => (
        <Card key={m.id} withBorder p="xs" bg={m.from_staff ? 'indigo.0' : undefined}>
          <Text size="xs" c="dimmed">
            {m.from_staff ? 'Support' : 'User'} · {dateTime(m.created_at)}
          </Text>
          <Text style={{ whiteSpace: 'pre-wrap' }}>{m.body}</Text>
        </Card>
      ))}
      {sent && <Notice>Reply sent.</Notice>}
      <Textarea label="Reply to the user" minRows={3} value={body} onChange={(e) => setBody(e.currentTarget.value)} error={reply.fields.body} />
      <ErrorLine error={reply.error} />
      <Group justify="space-between">
        <Button onClick={() => void send()} loading={reply.pending} disabled={reply.pending || !body.trim()}>
          Send the reply
        </Button>
        {status === 'closed' ? (
          <ActionButton label="Reopen" ariaLabel="Reopen the ticket" run={() => support.reopen(kit, ticket.id)} onDone={changed} />
        ) : (
          <ActionButton label="Close the ticket" run={() => support.close(kit, ticket.id)} onDone={changed} />
        )}
      </Group>
    </Stack>
  );
}

export default function SupportSection() {
  const kit = useKit();
  const [status, setStatus] = useState<TicketStatus | null>(null);
  const list = usePage<SupportTicket>((q) => support.list(kit, { ...q, ...(status ? { status } : {}) }), [kit, status], 20);
  const admins = useResult(() => support.admins(kit), [kit]);
  const adminList = admins.data?.items ?? [];
  const [open, setOpen] = useState<SupportTicket | null>(null);
  return (
    <Stack>
      <Text component="h2" fw={700} size="lg">
        Support tickets
      </Text>
      <Select
        label="Ticket status"
        placeholder="Any status"
        data={STATUSES}
        value={status}
        onChange={(v) => setStatus(v as TicketStatus | null)}
        clearable
        clearButtonProps={{ 'aria-label': 'Show tickets of any status' }}
        maw={240}
      />
      <ErrorLine error={list.error ?? admins.error} />
      <PagedTable
        caption="Support tickets"
        page={list.data}
        onPage={list.setPage}
        rowKey={(t) => t.id}
        empty="No ticket here."
        columns={[
          {
            label: 'Subject',
            render: (t) => (
              <Button variant="subtle" size="compact-sm" onClick={() => setOpen(t)} aria-label={`Read ${t.subject}`}>
                {t.subject}
              </Button>
            ),
          },
          { label: 'Status', render: (t) => <Badge variant="light">{t.status}</Badge> },
          { label: 'Priority', render: (t) => t.priority },
          { label: 'Assigned to', render: (t) => assigneeName(adminList, t.assigned_to) },
          { label: 'Last message', render: (t) => dateTime(t.last_message_at) },
        ]}
      />
      <Modal opened={open !== null} onClose={() => setOpen(null)} title={open?.subject ?? ''} size="lg">
        {open && <Ticket ticket={open} admins={adminList} onChanged={list.reload} />}
      </Modal>
    </Stack>
  );
}
