/** Members and their permissions; add one (invited by e-mail); batches of new members. */
import { Badge, Button, Card, Checkbox, Group, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { AccountPermission, Member, MemberBatch, NewMemberInput, SdkError } from '@kit/sdk';
import { useCallback, useState } from 'react';
import { batches, members } from '../../api/business.ts';
import { ErrorLine, Notice, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { useAction } from '../../lib/useAction.ts';
import { usePage } from '../../lib/usePage.ts';

const PERMISSIONS: AccountPermission[] = ['view_all_clients', 'manage_all_clients', 'manage_packages', 'view_payments', 'manage_payments', 'manage_members'];

export default function MembersSection() {
  const kit = useKit();
  const list = usePage<Member>((q) => members.list(kit, q), [kit], 50);
  const batchList = usePage<MemberBatch>((q) => batches.list(kit, q), [kit], 20);
  const [error, setError] = useState<SdkError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const form = useForm<{ email: string; full_name: string; role: 'admin' | 'member'; permissions: AccountPermission[] }>({
    initialValues: { email: '', full_name: '', role: 'member', permissions: [] },
  });
  const runAdd = useCallback((key: string, v: NewMemberInput & { role: 'admin' | 'member'; permissions: AccountPermission[] }) => members.add(kit, v, key), [kit]);
  const add = useAction(runAdd);
  const batchForm = useForm({ initialValues: { name: '', rows: '' } });
  const runBatch = useCallback((key: string, name: string, rows: NewMemberInput[]) => batches.create(kit, name, rows, key), [kit]);
  const batch = useAction(runBatch);

  const submit = form.onSubmit(async (v) => {
    const result = await add.execute(v);
    showFieldErrors(form, result?.error);
    if (result?.data) {
      setNotice(`${v.full_name} was invited.`);
      form.reset();
      list.reload();
    }
  });
  const submitBatch = batchForm.onSubmit(async (v) => {
    const rows = v.rows
      .split('\n')
      .map((line) => line.split(',').map((s) => s.trim()))
      .filter((r) => r[0])
      .map(([email, full_name]) => ({ email: email!, full_name: full_name ?? '' }));
    const result = await batch.execute(v.name, rows);
    showFieldErrors(batchForm, result?.error);
    if (result?.data) {
      const c = result.data.counts;
      setNotice(`Batch ${v.name}: ${c.created} created, ${c.already_exists} already members, ${c.invalid} invalid, ${c.failed} failed.`);
      batchForm.reset();
      batchList.reload();
      list.reload();
    }
  });
  const togglePermission = async (m: Member, p: AccountPermission) => {
    const next = m.permissions.includes(p) ? m.permissions.filter((x) => x !== p) : [...m.permissions, p];
    const result = await members.setPermissions(kit, m.user_id, next);
    setError(result.error);
    list.reload();
  };
  const toggleActive = async (m: Member) => {
    const result = m.is_active ? await members.deactivate(kit, m.user_id) : await members.reactivate(kit, m.user_id);
    setError(result.error);
    list.reload();
  };
  return (
    <Stack>
      {notice && <Notice>{notice}</Notice>}
      <ErrorLine error={error ?? list.error} />
      <PagedTable
        caption="Members"
        page={list.data}
        onPage={list.setPage}
        rowKey={(m) => m.user_id}
        columns={[
          { label: 'Name', render: (m) => m.full_name },
          { label: 'Role', render: (m) => <Badge variant="light">{m.role}</Badge> },
          {
            label: 'Permissions',
            render: (m) =>
              m.role === 'member' ? (
                <Group gap={6}>
                  {PERMISSIONS.map((p) => (
                    <Checkbox
                      key={p}
                      size="xs"
                      label={p.replace(/_/g, ' ')}
                      aria-label={`${p.replace(/_/g, ' ')} for ${m.full_name}`}
                      checked={m.permissions.includes(p)}
                      onChange={() => void togglePermission(m, p)}
                    />
                  ))}
                </Group>
              ) : (
                <Text size="xs">all</Text>
              ),
          },
          {
            label: 'Active',
            render: (m) =>
              m.role === 'owner' ? null : (
                <Button size="xs" variant="default" onClick={() => void toggleActive(m)} aria-label={`${m.is_active ? 'Deactivate' : 'Reactivate'} ${m.full_name}`}>
                  {m.is_active ? 'Deactivate' : 'Reactivate'}
                </Button>
              ),
          },
        ]}
      />
      <Card withBorder>
        <Text component="h2" fw={700} mb="xs">
          Add a member
        </Text>
        <form onSubmit={submit} noValidate>
          <Stack>
            <Group grow align="flex-start">
              <TextInput label="Member e-mail" type="email" required {...form.getInputProps('email')} />
              <TextInput label="Full name" required {...form.getInputProps('full_name')} />
              <Select label="Member role" data={['member', 'admin']} allowDeselect={false} {...form.getInputProps('role')} />
            </Group>
            <Checkbox.Group label="Permissions" {...form.getInputProps('permissions')}>
              <Group gap="xs" mt={4}>
                {PERMISSIONS.map((p) => (
                  <Checkbox key={p} value={p} label={p.replace(/_/g, ' ')} />
                ))}
              </Group>
            </Checkbox.Group>
            <ErrorLine error={add.error} />
            <Button type="submit" loading={add.pending} disabled={add.pending}>
              Invite the member
            </Button>
          </Stack>
        </form>
      </Card>
      <Card withBorder>
        <Text component="h2" fw={700} mb="xs">
          Add members in a batch
        </Text>
        <form onSubmit={submitBatch} noValidate>
          <Stack>
            <TextInput label="Batch name" required {...batchForm.getInputProps('name')} />
            <Textarea label="One member per line: e-mail, full name" minRows={3} autosize {...batchForm.getInputProps('rows')} />
            <ErrorLine error={batch.error} />
            <Button type="submit" loading={batch.pending} disabled={batch.pending}>
              Create the batch
            </Button>
          </Stack>
        </form>
      </Card>
      <PagedTable
        caption="Batches"
        page={batchList.data}
        onPage={batchList.setPage}
        rowKey={(b) => b.id}
        columns={[
          { label: 'Batch', render: (b) => b.name },
          { label: 'Created', render: (b) => dateTime(b.created_at) },
          { label: 'New', render: (b) => b.created_count },
          { label: 'Existing', render: (b) => b.existing_count },
          { label: 'Invalid', render: (b) => b.invalid_count },
        ]}
      />
    </Stack>
  );
}
