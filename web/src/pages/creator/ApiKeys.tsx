/** API keys: create (the secret is shown once), list, revoke. */
import { Badge, Button, Code, CopyButton, Group, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { ApiKey, NewApiKey, SdkError } from '@kit/sdk';
import { useState } from 'react';
import { apiKeys } from '../../api/creator.ts';
import { ErrorLine, Notice, PageTitle, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { usePage } from '../../lib/usePage.ts';

export default function ApiKeysPage() {
  const kit = useKit();
  const list = usePage<ApiKey>((q) => apiKeys.list(kit, q), [kit], 20);
  const form = useForm({ initialValues: { name: '' } });
  const [error, setError] = useState<SdkError | null>(null);
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const [pending, setPending] = useState(false);
  const submit = form.onSubmit(async ({ name }) => {
    setPending(true);
    const result = await apiKeys.create(kit, name);
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (result.data) {
      setCreated(result.data);
      form.reset();
      list.reload();
    }
  });
  const revoke = async (key: ApiKey) => {
    const result = await apiKeys.revoke(kit, key.id);
    setError(result.error);
    list.reload();
  };
  return (
    <Stack>
      <PageTitle>API keys</PageTitle>
      <form onSubmit={submit} noValidate>
        <Group align="flex-end">
          <TextInput label="Key name" required {...form.getInputProps('name')} />
          <Button type="submit" loading={pending} disabled={pending}>
            Create a key
          </Button>
        </Group>
      </form>
      <ErrorLine error={list.error ?? error} />
      {created?.secret === null && (
        <Notice title={`Key ${created.prefix}… was created by an earlier attempt`}>
          <Group>
            <Text size="sm">Its secret was shown only in that attempt&apos;s answer. If you did not save it, revoke this key and create another.</Text>
            <Button size="xs" variant="subtle" onClick={() => setCreated(null)}>
              Understood
            </Button>
          </Group>
        </Notice>
      )}
      {created?.secret && (
        <Notice title="Copy the key now: it is shown only once">
          <Group>
            <Code data-testid="new-key">{created.secret}</Code>
            <CopyButton value={created.secret}>
              {({ copied, copy }) => (
                <Button size="xs" variant="default" onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
            <Button size="xs" variant="subtle" onClick={() => setCreated(null)}>
              I saved it
            </Button>
          </Group>
        </Notice>
      )}
      <PagedTable
        caption="API keys"
        page={list.data}
        onPage={list.setPage}
        rowKey={(k) => k.id}
        columns={[
          { label: 'Name', render: (k) => k.name },
          { label: 'Key', render: (k) => <Text ff="monospace">{k.prefix}…</Text> },
          { label: 'Last used', render: (k) => dateTime(k.last_used_at) },
          { label: 'Status', render: (k) => <Badge variant="light">{k.revoked_at ? 'revoked' : 'active'}</Badge> },
          {
            label: 'Action',
            render: (k) =>
              k.revoked_at ? null : (
                <Button size="xs" variant="default" onClick={() => void revoke(k)} aria-label={`Revoke ${k.name}`}>
                  Revoke
                </Button>
              ),
          },
        ]}
      />
    </Stack>
  );
}
