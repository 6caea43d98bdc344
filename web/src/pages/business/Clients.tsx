/** CRM clients: filters (search, status), 50 per page, add a client, edit or delete one in place. */
import { Badge, Button, Card, Group, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import type { CrmClientRecord, CrmClientStatus, SdkError } from '@kit/sdk';
import { useState } from 'react';
import { crm } from '../../api/business.ts';
import { ErrorLine, Notice, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { DeleteButton, EditButton } from '../../components/RowDialogs.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { usePage } from '../../lib/usePage.ts';

const STATUSES = ['active', 'inactive', 'onboarding', 'paused', 'cancelled'];

const nameOf = (c: CrmClientRecord) => `${c.first_name} ${c.last_name}`.trim();

/** The edit dialog's form: every field the owner keeps up to date; the SDK's field errors show beside them. */
function EditClient({ client, onSaved }: { client: CrmClientRecord; onSaved: (message: string) => void }) {
  const kit = useKit();
  const form = useForm({
    initialValues: {
      first_name: client.first_name,
      last_name: client.last_name,
      email: client.email ?? '',
      phone: client.phone ?? '',
      country: client.country ?? '',
      status: client.status,
      notes: client.notes ?? '',
    },
  });
  const [error, setError] = useState<SdkError | null>(null);
  const [pending, setPending] = useState(false);
  const submit = form.onSubmit(async (v) => {
    setPending(true);
    const result = await crm.updateClient(kit, client.id, {
      first_name: v.first_name,
      last_name: v.last_name,
      email: v.email || null,
      phone: v.phone || null,
      country: v.country || null,
      status: v.status,
      notes: v.notes || null,
    });
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (result.data) onSaved(`Client ${nameOf(result.data)} saved.`);
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput label="First name" required {...form.getInputProps('first_name')} />
        <TextInput label="Last name" {...form.getInputProps('last_name')} />
        <TextInput label="E-mail" type="email" {...form.getInputProps('email')} />
        <TextInput label="Phone" type="tel" {...form.getInputProps('phone')} />
        <TextInput label="Country" description="Two letters, e.g. DE" {...form.getInputProps('country')} />
        <Select label="Status" data={STATUSES} allowDeselect={false} {...form.getInputProps('status')} />
        <Textarea label="Notes" {...form.getInputProps('notes')} />
        <ErrorLine error={error} />
        <Button type="submit" loading={pending} disabled={pending}>
          Save the client
        </Button>
      </Stack>
    </form>
  );
}

export default function ClientsSection() {
  const kit = useKit();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const [status, setStatus] = useState<CrmClientStatus | null>(null);
  const list = usePage<CrmClientRecord>(
    (q) => crm.clients(kit, { ...q, ...(debounced ? { search: debounced } : {}), ...(status ? { status } : {}) }),
    [kit, debounced, status],
    50,
  );
  const form = useForm({ initialValues: { first_name: '', last_name: '', email: '', status: 'onboarding' } });
  const [error, setError] = useState<SdkError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const submit = form.onSubmit(async (v) => {
    const result = await crm.createClient(kit, { first_name: v.first_name, last_name: v.last_name || undefined, email: v.email || null, status: v.status as CrmClientStatus });
    setError(result.error);
    showFieldErrors(form, result.error);
    if (result.data) {
      setNotice(`Client ${result.data.first_name} ${result.data.last_name} added.`);
      form.reset();
      list.reload();
    }
  });
  return (
    <Stack>
      <Card withBorder>
        <Text component="h2" fw={700} mb="xs">
          Add a client
        </Text>
        <form onSubmit={submit} noValidate>
          <Group align="flex-start" grow>
            <TextInput label="First name" required {...form.getInputProps('first_name')} />
            <TextInput label="Last name" {...form.getInputProps('last_name')} />
            <TextInput label="Client e-mail" type="email" {...form.getInputProps('email')} />
            <Select label="Client status" data={STATUSES} allowDeselect={false} {...form.getInputProps('status')} />
          </Group>
          <ErrorLine error={error} />
          <Button type="submit" mt="sm">
            Add the client
          </Button>
        </form>
      </Card>
      {notice && <Notice>{notice}</Notice>}
      <Group>
        <TextInput label="Search clients" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
        <Select
          label="Status filter"
          data={STATUSES}
          value={status}
          onChange={(v) => setStatus(v as CrmClientStatus | null)}
          clearable
          clearButtonProps={{ 'aria-label': 'Clear the status filter' }}
        />
      </Group>
      <ErrorLine error={list.error} />
      <PagedTable
        caption="Clients"
        page={list.data}
        onPage={list.setPage}
        rowKey={(c) => c.id}
        columns={[
          { label: 'Name', render: (c) => `${c.first_name} ${c.last_name}` },
          { label: 'E-mail', render: (c) => c.email ?? '' },
          { label: 'Status', render: (c) => <Badge variant="light">{c.status}</Badge> },
          { label: 'Country', render: (c) => c.country ?? '' },
          { label: 'Added', render: (c) => dateTime(c.created_at) },
          {
            label: 'Actions',
            render: (c) => (
              <Group gap="xs" wrap="nowrap">
                <EditButton what={nameOf(c)}>
                  {(close) => (
                    <EditClient
                      client={c}
                      onSaved={(message) => {
                        close();
                        setNotice(message);
                        list.reload();
                      }}
                    />
                  )}
                </EditButton>
                <DeleteButton
                  what={nameOf(c)}
                  consequence="The client's packages, payments and instalments are deleted with them. This cannot be undone."
                  run={() => crm.removeClient(kit, c.id)}
                  onDone={() => {
                    setNotice(`Client ${nameOf(c)} deleted.`);
                    list.reload();
                  }}
                />
              </Group>
            ),
          },
        ]}
      />
    </Stack>
  );
}
