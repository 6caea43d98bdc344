/** Users: search, change a role, ban or unban, delete (each an idempotent intent). */
import { Badge, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { AdminUser, PlatformRole, SdkError } from '@kit/sdk';
import { useState } from 'react';
import { users } from '../../api/admin.ts';
import { ActionButton } from '../../components/ActionButton.tsx';
import { ErrorLine, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { useKit } from '../../lib/kit.tsx';
import { usePage } from '../../lib/usePage.ts';

export default function UsersSection() {
  const kit = useKit();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const [role, setRole] = useState<PlatformRole | null>(null);
  const list = usePage<AdminUser>((q) => users.list(kit, { ...q, ...(debounced ? { search: debounced } : {}), ...(role ? { role } : {}) }), [kit, debounced, role], 50);
  const [error, setError] = useState<SdkError | null>(null);
  const changeRole = async (user: AdminUser, next: PlatformRole) => {
    const result = await users.setRole(kit, user.id, next, crypto.randomUUID());
    setError(result.error);
    list.reload();
  };
  return (
    <Stack>
      <Group>
        <TextInput label="Search users" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
        <Select label="Role" data={['client', 'tool_creator', 'admin']} value={role} onChange={(v) => setRole(v as PlatformRole | null)} clearable />
      </Group>
      <ErrorLine error={list.error ?? error} />
      <PagedTable
        caption="Users"
        page={list.data}
        onPage={list.setPage}
        rowKey={(u) => u.id}
        columns={[
          { label: 'E-mail', render: (u) => <Text size="sm">{u.email}</Text> },
          {
            label: 'Id',
            render: (u) => (
              <Text size="xs" ff="monospace">
                {u.id}
              </Text>
            ),
          },
          {
            label: 'Role',
            render: (u) => (
              <Select
                aria-label={`Role of ${u.email}`}
                data={['client', 'tool_creator', 'admin']}
                value={u.role}
                onChange={(v) => v && v !== u.role && void changeRole(u, v as PlatformRole)}
                allowDeselect={false}
                w={140}
                size="xs"
              />
            ),
          },
          {
            label: 'Status',
            render: (u) =>
              u.banned_until ? (
                <Badge color="red" variant="light">
                  banned
                </Badge>
              ) : (
                <Badge variant="light">active</Badge>
              ),
          },
          { label: 'Joined', render: (u) => dateTime(u.created_at) },
          {
            label: 'Actions',
            render: (u) => (
              <Group gap="xs" wrap="nowrap">
                {u.banned_until ? (
                  <ActionButton label="Unban" ariaLabel={`Unban ${u.email}`} run={(key) => users.unban(kit, u.id, key)} onDone={list.reload} />
                ) : (
                  <ActionButton label="Ban" ariaLabel={`Ban ${u.email}`} run={(key) => users.ban(kit, u.id, key)} onDone={list.reload} />
                )}
                <ActionButton label="Delete" ariaLabel={`Delete ${u.email}`} color="red.9" variant="outline" run={(key) => users.remove(kit, u.id, key)} onDone={list.reload} />
              </Group>
            ),
          },
        ]}
      />
    </Stack>
  );
}
