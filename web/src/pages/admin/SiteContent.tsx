/**
 * Site content for platform admins: pages and announcements, drafts included (20 a page); write one
 * (a draft unless published at once), edit it in place, publish or unpublish it, delete it.
 * Visitors see only what is published, on the home page and at /pages/<slug>.
 */
import { Anchor, Badge, Button, Card, Checkbox, Group, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { ContentKind, SdkError, SiteContent } from '@kit/sdk';
import { useCallback, useState } from 'react';
import { Link } from 'react-router-dom';
import { siteContent } from '../../api/admin.ts';
import { ActionButton } from '../../components/ActionButton.tsx';
import { ErrorLine, Notice, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { DeleteButton, EditButton } from '../../components/RowDialogs.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { useAction } from '../../lib/useAction.ts';
import { usePage } from '../../lib/usePage.ts';

const KINDS = [
  { value: 'page', label: 'Page' },
  { value: 'announcement', label: 'Announcement' },
];

interface Values {
  kind: string;
  slug: string;
  title: string;
  body: string;
}

function ContentFields({ form }: { form: ReturnType<typeof useForm<Values & { published?: boolean }>> }) {
  return (
    <>
      <Select label="Kind" data={KINDS} allowDeselect={false} {...form.getInputProps('kind')} />
      <TextInput label="Title" required {...form.getInputProps('title')} />
      <TextInput label="Address" description="A lower-case slug: the page is at /pages/<slug>" required {...form.getInputProps('slug')} />
      <Textarea label="Text" minRows={4} autosize maxRows={12} {...form.getInputProps('body')} />
    </>
  );
}

function EditContent({ item, onSaved }: { item: SiteContent; onSaved: (message: string) => void }) {
  const kit = useKit();
  const form = useForm<Values & { published?: boolean }>({ initialValues: { kind: item.kind, slug: item.slug, title: item.title, body: item.body } });
  const [error, setError] = useState<SdkError | null>(null);
  const [pending, setPending] = useState(false);
  const submit = form.onSubmit(async (v) => {
    setPending(true);
    const result = await siteContent.update(kit, item.id, { kind: v.kind as ContentKind, slug: v.slug, title: v.title, body: v.body });
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (result.data) onSaved(`Saved ${result.data.title}.`);
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <ContentFields form={form} />
        <ErrorLine error={error} />
        <Button type="submit" loading={pending} disabled={pending}>
          Save the changes
        </Button>
      </Stack>
    </form>
  );
}

export default function SiteContentSection() {
  const kit = useKit();
  const list = usePage<SiteContent>((q) => siteContent.list(kit, q), [kit], 20);
  const form = useForm<Values & { published?: boolean }>({ initialValues: { kind: 'page', slug: '', title: '', body: '', published: false } });
  const run = useCallback(
    (key: string, v: Values & { published?: boolean }) =>
      siteContent.create(kit, { kind: v.kind as ContentKind, slug: v.slug, title: v.title, body: v.body, published: v.published ?? false }, key),
    [kit],
  );
  const create = useAction(run);
  const [notice, setNotice] = useState<string | null>(null);
  const submit = form.onSubmit(async (v) => {
    const result = await create.execute(v);
    if (!result) return;
    showFieldErrors(form, result.error);
    if (result.data) {
      setNotice(`${result.data.title} ${result.data.published ? 'is published' : 'is saved as a draft'}.`);
      form.reset();
      list.reload();
    }
  });
  const done = (message: string) => {
    setNotice(message);
    list.reload();
  };
  return (
    <Stack>
      <Card withBorder maw={640}>
        <Text component="h2" fw={700} mb="xs">
          Write a page or an announcement
        </Text>
        <form onSubmit={submit} noValidate>
          <Stack>
            <ContentFields form={form} />
            <Checkbox label="Publish at once" {...form.getInputProps('published', { type: 'checkbox' })} />
            <ErrorLine error={create.error} />
            <Button type="submit" loading={create.pending} disabled={create.pending}>
              Save
            </Button>
          </Stack>
        </form>
      </Card>
      {notice && <Notice>{notice}</Notice>}
      <ErrorLine error={list.error} />
      <PagedTable
        caption="Site content"
        page={list.data}
        onPage={list.setPage}
        rowKey={(c) => c.id}
        empty="Nothing written yet."
        columns={[
          {
            label: 'Title',
            render: (c) =>
              c.published ? (
                <Anchor component={Link} to={`/pages/${c.slug}`}>
                  {c.title}
                </Anchor>
              ) : (
                c.title
              ),
          },
          { label: 'Kind', render: (c) => c.kind },
          { label: 'Status', render: (c) => <Badge variant="light">{c.published ? 'published' : 'draft'}</Badge> },
          { label: 'Published', render: (c) => dateTime(c.published_at) },
          {
            label: 'Actions',
            render: (c) => (
              <Group gap="xs" wrap="nowrap">
                <EditButton what={c.title}>
                  {(close) => (
                    <EditContent
                      item={c}
                      onSaved={(m) => {
                        close();
                        done(m);
                      }}
                    />
                  )}
                </EditButton>
                {c.published ? (
                  <ActionButton
                    label="Unpublish"
                    ariaLabel={`Unpublish ${c.title}`}
                    run={() => siteContent.update(kit, c.id, { published: false })}
                    onDone={() => done(`${c.title} is a draft again.`)}
                  />
                ) : (
                  <ActionButton
                    label="Publish"
                    ariaLabel={`Publish ${c.title}`}
                    variant="filled"
                    run={() => siteContent.update(kit, c.id, { published: true })}
                    onDone={() => done(`${c.title} is published.`)}
                  />
                )}
                <DeleteButton what={c.title} run={() => siteContent.remove(kit, c.id)} onDone={() => done(`${c.title} deleted.`)} />
              </Group>
            ),
          },
        ]}
      />
    </Stack>
  );
}
