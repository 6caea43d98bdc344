/**
 * A creator's tools: create (draft), edit, submit for review. Editing a live (approved or suspended)
 * tool proposes a revision that an admin approves or rejects; "My proposed changes" shows the outcome.
 */
import { Badge, Button, Card, Group, Modal, NumberInput, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { SdkError, Tool, ToolRevision } from '@kit/sdk';
import { useState } from 'react';
import { creatorTools } from '../../api/creator.ts';
import { ActionButton } from '../../components/ActionButton.tsx';
import { ErrorLine, Notice, PageTitle, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { usePage } from '../../lib/usePage.ts';

interface Values {
  name: string;
  description: string;
  category: string;
  price_points: number | string;
}

function ToolForm({ tool, onDone }: { tool?: Tool; onDone: (message: string) => void }) {
  const kit = useKit();
  const form = useForm<Values>({
    initialValues: { name: tool?.name ?? '', description: tool?.description ?? '', category: tool?.category ?? '', price_points: tool?.price_points ?? 10 },
  });
  const [error, setError] = useState<SdkError | null>(null);
  const [pending, setPending] = useState(false);
  const submit = form.onSubmit(async (values) => {
    setPending(true);
    const input = { name: values.name, description: values.description, category: values.category, price_points: Number(values.price_points) };
    const result = tool ? await creatorTools.update(kit, tool.id, input) : await creatorTools.create(kit, input);
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (!result.error) {
      if (!tool) form.reset();
      const live = tool && (tool.status === 'approved' || tool.status === 'suspended');
      onDone(
        live
          ? `Your changes to ${tool.name} wait for an admin's review; until then it keeps its current values.`
          : tool
            ? `Saved ${values.name}.`
            : `Created ${values.name} as a draft.`,
      );
    }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput label="Name" required {...form.getInputProps('name')} />
        <Textarea label="Description" {...form.getInputProps('description')} />
        <TextInput label="Category" description="A lower-case slug, e.g. image-generation" required {...form.getInputProps('category')} />
        <NumberInput label="Price in points" min={1} required {...form.getInputProps('price_points')} />
        <ErrorLine error={error} />
        <Button type="submit" loading={pending} disabled={pending}>
          {tool ? 'Save the changes' : 'Create the tool'}
        </Button>
      </Stack>
    </form>
  );
}

export default function CreatorToolsPage() {
  const kit = useKit();
  const list = usePage<Tool>((q) => creatorTools.mine(kit, q), [kit], 20);
  const changes = usePage<ToolRevision>((q) => creatorTools.revisions(kit, q), [kit], 20);
  const [editing, setEditing] = useState<Tool | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<SdkError | null>(null);
  const done = (message: string) => {
    setEditing(null);
    setNotice(message);
    list.reload();
    changes.reload();
  };
  const submitForReview = async (tool: Tool) => {
    const result = await creatorTools.submit(kit, tool.id);
    setError(result.error);
    if (!result.error) done(`${tool.name} is waiting for review.`);
  };
  return (
    <Stack>
      <PageTitle>My tools</PageTitle>
      {notice && <Notice>{notice}</Notice>}
      <ErrorLine error={list.error ?? error} />
      <Card withBorder maw={560}>
        <Text component="h2" fw={700} mb="xs">
          New tool
        </Text>
        <ToolForm onDone={done} />
      </Card>
      <PagedTable
        caption="My tools"
        page={list.data}
        onPage={list.setPage}
        rowKey={(t) => t.id}
        columns={[
          { label: 'Name', render: (t) => t.name },
          { label: 'Price', render: (t) => `${t.price_points} points` },
          { label: 'Status', render: (t) => <Badge variant="light">{t.status.replace('_', ' ')}</Badge> },
          { label: 'Uses', render: (t) => t.usage_count },
          {
            label: 'Actions',
            render: (t) => (
              <Group gap="xs" wrap="nowrap">
                <Button size="xs" variant="default" onClick={() => setEditing(t)} aria-label={`Edit ${t.name}`}>
                  Edit
                </Button>
                {(t.status === 'draft' || t.status === 'rejected') && (
                  <Button size="xs" onClick={() => void submitForReview(t)} aria-label={`Submit ${t.name} for review`}>
                    Submit
                  </Button>
                )}
              </Group>
            ),
          },
        ]}
      />
      <Text component="h2" fw={700} size="lg">
        My proposed changes
      </Text>
      <ErrorLine error={changes.error} />
      <PagedTable
        caption="My proposed changes"
        page={changes.data}
        onPage={changes.setPage}
        rowKey={(r) => r.id}
        empty="You have not changed a live tool yet."
        columns={[
          { label: 'Tool', render: (r) => r.name },
          { label: 'Price', render: (r) => `${r.price_points} points` },
          { label: 'Proposed', render: (r) => dateTime(r.created_at) },
          { label: 'Outcome', render: (r) => <Badge variant="light">{r.status === 'pending' ? 'waiting for review' : r.status}</Badge> },
          { label: "Admin's note", render: (r) => r.review_note ?? '' },
          {
            label: 'Action',
            render: (r) =>
              r.status === 'pending' ? (
                <ActionButton label="Withdraw" ariaLabel={`Withdraw the changes to ${r.name}`} run={() => creatorTools.withdrawRevision(kit, r.id)} onDone={changes.reload} />
              ) : null,
          },
        ]}
      />
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={`Edit ${editing?.name ?? ''}`}>
        {editing && <ToolForm tool={editing} onDone={done} />}
      </Modal>
    </Stack>
  );
}
