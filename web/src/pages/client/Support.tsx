import { Badge, Button, Card, Modal, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { SdkError, SupportTicket } from '@kit/sdk';
import { useState } from 'react';
import { support } from '../../api/client.ts';
import { ErrorLine, PageTitle, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { usePage, useResult } from '../../lib/usePage.ts';

function Thread({ id }: { id: string }) {
  const kit = useKit();
  const thread = useResult(() => support.get(kit, id), [kit, id]);
  const [body, setBody] = useState('');
  const [error, setError] = useState<SdkError | null>(null);
  const send = async () => {
    const result = await support.reply(kit, id, body);
    setError(result.error);
    if (!result.error) {
      setBody('');
      thread.reload();
    }
  };
  return (
    <Stack>
      {thread.data?.messages.map((m) => (
        <Card key={m.id} withBorder p="xs">
          <Text size="xs" c="dimmed">
            {m.from_staff ? 'Support' : 'You'} · {dateTime(m.created_at)}
          </Text>
          <Text style={{ whiteSpace: 'pre-wrap' }}>{m.body}</Text>
        </Card>
      ))}
      {thread.data?.ticket.status === 'closed' ? (
        <Text c="dimmed">This ticket is closed: open a new one to write again.</Text>
      ) : (
        <>
          <Textarea label="Reply" value={body} onChange={(e) => setBody(e.currentTarget.value)} />
          <Button onClick={() => void send()} disabled={!body.trim()}>
            Send
          </Button>
        </>
      )}
      <ErrorLine error={thread.error ?? error} />
    </Stack>
  );
}

export default function SupportPage() {
  const kit = useKit();
  const list = usePage<SupportTicket>((q) => support.list(kit, q), [kit], 20);
  const form = useForm({ initialValues: { subject: '', body: '', priority: 'normal' } });
  const [error, setError] = useState<SdkError | null>(null);
  const [pending, setPending] = useState(false);
  const [open, setOpen] = useState<SupportTicket | null>(null);
  const submit = form.onSubmit(async (values) => {
    setPending(true);
    const result = await support.open(kit, { subject: values.subject, body: values.body, priority: values.priority as 'normal' });
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (!result.error) {
      form.reset();
      list.reload();
    }
  });
  return (
    <Stack>
      <PageTitle>Support</PageTitle>
      <Card withBorder maw={560}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <Text component="h2" fw={700}>
              Open a ticket
            </Text>
            <TextInput label="Subject" required {...form.getInputProps('subject')} />
            <Textarea label="Message" required minRows={3} {...form.getInputProps('body')} />
            <Select label="Priority" data={['low', 'normal', 'high', 'urgent']} {...form.getInputProps('priority')} />
            <ErrorLine error={error} />
            <Button type="submit" loading={pending} disabled={pending}>
              Open the ticket
            </Button>
          </Stack>
        </form>
      </Card>
      <ErrorLine error={list.error} />
      <PagedTable
        caption="My tickets"
        page={list.data}
        onPage={list.setPage}
        rowKey={(t) => t.id}
        columns={[
          {
            label: 'Subject',
            render: (t) => (
              <Button variant="subtle" size="compact-sm" onClick={() => setOpen(t)}>
                {t.subject}
              </Button>
            ),
          },
          { label: 'Status', render: (t) => <Badge variant="light">{t.status}</Badge> },
          { label: 'Last message', render: (t) => dateTime(t.last_message_at) },
        ]}
      />
      <Modal opened={open !== null} onClose={() => setOpen(null)} title={open?.subject ?? ''}>
        {open && <Thread id={open.id} />}
      </Modal>
    </Stack>
  );
}
