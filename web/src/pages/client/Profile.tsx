import { Avatar, Button, FileInput, Group, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { SdkError } from '@kit/sdk';
import { useEffect, useState } from 'react';
import { profile } from '../../api/client.ts';
import { ErrorLine, PageTitle } from '../../components/ui.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { useResult } from '../../lib/usePage.ts';

export default function ProfilePage() {
  const kit = useKit();
  const me = useResult(() => profile.me(kit), [kit]);
  const form = useForm({ initialValues: { first_name: '', last_name: '', username: '', phone: '' } });
  const [error, setError] = useState<SdkError | null>(null);
  const [pending, setPending] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [avatarUrl, setAvatarUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!me.data) return;
    form.setValues({ first_name: me.data.first_name ?? '', last_name: me.data.last_name ?? '', username: me.data.username ?? '', phone: me.data.phone ?? '' });
    setAvatarUrl(me.data.avatar_url);
  }, [me.data]); // eslint-disable-line react-hooks/exhaustive-deps -- fill the form when the profile arrives, not when the form object changes
  const submit = form.onSubmit(async (values) => {
    setPending(true);
    const result = await profile.update(kit, {
      first_name: values.first_name || null,
      last_name: values.last_name || null,
      username: values.username || null,
      phone: values.phone || null,
    });
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (!result.error) setNotice('Profile saved.');
  });
  const upload = async (file: File | null) => {
    if (!file) return;
    setPending(true);
    const result = await profile.uploadAvatar(kit, file);
    setPending(false);
    setError(result.error);
    if (result.data) {
      setAvatarUrl(result.data.avatar_url);
      setNotice('Picture saved.');
    }
  };
  return (
    <Stack maw={520}>
      <PageTitle>Profile</PageTitle>
      <Group>
        <Avatar src={avatarUrl} size="lg" alt="Your picture" />
        <FileInput label="Profile picture" accept="image/png,image/jpeg,image/webp" onChange={(f) => void upload(f)} disabled={pending} clearable={false} />
      </Group>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="First name" autoComplete="given-name" {...form.getInputProps('first_name')} />
          <TextInput label="Last name" autoComplete="family-name" {...form.getInputProps('last_name')} />
          <TextInput label="Username" autoComplete="username" {...form.getInputProps('username')} />
          <TextInput label="Phone" type="tel" autoComplete="tel" {...form.getInputProps('phone')} />
          <ErrorLine error={me.error ?? error} />
          {notice && <div role="status">{notice}</div>}
          <Button type="submit" loading={pending} disabled={pending}>
            Save
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}
