import { Anchor, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import type { SiteContent } from '@kit/sdk';
import { useCallback, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { joinWaitlist } from '../../api/auth.ts';
import { content } from '../../api/client.ts';
import { ErrorLine, PageTitle, dateTime } from '../../components/ui.tsx';
import { fieldErrors } from '../../lib/errors.ts';
import { useKit } from '../../lib/kit.tsx';
import { useAction } from '../../lib/useAction.ts';
import { usePage } from '../../lib/usePage.ts';

export default function HomePage() {
  const kit = useKit();
  const published = usePage<SiteContent>((q) => content.list(kit, q), [kit], 10);
  // A plain field, not @mantine/form: the first page stays small.
  const [email, setEmail] = useState('');
  const run = useCallback((key: string, email: string) => joinWaitlist(kit, email, key), [kit]);
  const join = useAction(run);
  const [joined, setJoined] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await join.execute(email);
    if (result?.data) setJoined(true);
  };
  return (
    <Stack>
      <PageTitle>Welcome</PageTitle>
      <Text>Use tools with points, buy vouchers, run your business's clients — all on one backend.</Text>
      <Group>
        <Button component={Link} to="/tools">
          Browse the tools
        </Button>
        <Button component={Link} to="/sign-up" variant="default">
          Create an account
        </Button>
      </Group>
      <Card withBorder maw={480}>
        <Title order={2} size="h4" mb="xs">
          Join the waitlist
        </Title>
        {joined ? (
          <Text role="status">You are on the list. We will write to you.</Text>
        ) : (
          <form onSubmit={(e) => void submit(e)} noValidate>
            <Group align="flex-end">
              <TextInput
                label="E-mail"
                type="email"
                autoComplete="email"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                error={fieldErrors(join.error).email}
                style={{ flex: 1 }}
              />
              <Button type="submit" loading={join.pending} disabled={join.pending}>
                Join
              </Button>
            </Group>
            <ErrorLine error={join.error} />
          </form>
        )}
      </Card>
      <Title order={2} size="h3">
        News and pages
      </Title>
      <ErrorLine error={published.error} />
      {published.data?.items.map((item) => (
        <Card key={item.id} withBorder component="article">
          <Anchor component={Link} to={`/pages/${item.slug}`} fw={700}>
            {item.title}
          </Anchor>
          <Text size="xs" c="dimmed">
            {item.kind} · {dateTime(item.published_at)}
          </Text>
        </Card>
      ))}
      {published.data?.items.length === 0 && <Text c="dimmed">Nothing published yet.</Text>}
    </Stack>
  );
}
