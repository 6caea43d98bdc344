import { Stack, Text } from '@mantine/core';
import { useParams } from 'react-router-dom';
import { content } from '../../api/client.ts';
import { ErrorLine, PageTitle, dateTime } from '../../components/ui.tsx';
import { useKit } from '../../lib/kit.tsx';
import { useResult } from '../../lib/usePage.ts';

export default function ContentPage() {
  const { slug = '' } = useParams();
  const kit = useKit();
  const item = useResult(() => content.get(kit, slug), [kit, slug]);
  return (
    <Stack maw={720}>
      <PageTitle>{item.data?.title ?? 'Page'}</PageTitle>
      <ErrorLine error={item.error} />
      {item.data && (
        <Text size="xs" c="dimmed">
          {dateTime(item.data.published_at)}
        </Text>
      )}
      {item.data && <Text style={{ whiteSpace: 'pre-wrap' }}>{item.data.body}</Text>}
    </Stack>
  );
}
