import { Badge, Button, Stack, Text } from '@mantine/core';
import type { Device, SdkError } from '@kit/sdk';
import { useState } from 'react';
import { devices } from '../../api/client.ts';
import { ErrorLine, PageTitle, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { useKit } from '../../lib/kit.tsx';
import { usePage } from '../../lib/usePage.ts';

export default function DevicesPage() {
  const kit = useKit();
  const list = usePage<Device>((q) => devices.list(kit, q), [kit], 20);
  const [error, setError] = useState<SdkError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const signOut = async (device: Device) => {
    setBusy(device.id);
    const result = await devices.signOut(kit, device.id);
    setBusy(null);
    setError(result.error);
    if (result.data) {
      setNotice(`Signed out: ${result.data.sessions_ended} session(s) ended.`);
      list.reload();
    }
  };
  return (
    <Stack>
      <PageTitle>Devices</PageTitle>
      <ErrorLine error={list.error ?? error} />
      {notice && (
        <Text role="status" c="teal.9">
          {notice}
        </Text>
      )}
      <PagedTable
        caption="Devices"
        page={list.data}
        onPage={list.setPage}
        rowKey={(d) => d.id}
        columns={[
          {
            label: 'Browser',
            render: (d) => (
              <Text size="sm" lineClamp={2} maw={280}>
                {d.user_agent}
              </Text>
            ),
          },
          { label: 'Last seen', render: (d) => dateTime(d.last_seen_at) },
          {
            label: 'Sessions',
            render: (d) =>
              d.active_sessions > 0 ? (
                d.active_sessions
              ) : (
                <Badge color="gray" variant="light">
                  signed out
                </Badge>
              ),
          },
          {
            label: 'Action',
            render: (d) => (
              <Button size="xs" variant="default" disabled={d.active_sessions === 0 || busy === d.id} loading={busy === d.id} onClick={() => void signOut(d)}>
                Sign out
              </Button>
            ),
          },
        ]}
      />
    </Stack>
  );
}
