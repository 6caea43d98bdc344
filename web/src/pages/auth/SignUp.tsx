import { Anchor, Button, Group, Paper, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { SdkError } from '@kit/sdk';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { signUp } from '../../api/auth.ts';
import { ErrorLine, PageTitle } from '../../components/ui.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';

export default function SignUpPage() {
  const kit = useKit();
  const [error, setError] = useState<SdkError | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const form = useForm({ initialValues: { first_name: '', last_name: '', email: '', password: '', password_confirmation: '' } });
  const submit = form.onSubmit(async (values) => {
    setPending(true);
    const result = await signUp(kit, values);
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (!result.error) setSentTo(values.email);
  });
  if (sentTo) {
    return (
      <Paper maw={480} mx="auto" p="md" withBorder>
        <PageTitle>Check your e-mail</PageTitle>
        <Text role="status">We sent a confirmation link to {sentTo}. Follow it to finish signing up.</Text>
      </Paper>
    );
  }
  return (
    <Paper maw={480} mx="auto" p="md" withBorder>
      <PageTitle>Create your account</PageTitle>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Group grow>
            <TextInput label="First name" autoComplete="given-name" required {...form.getInputProps('first_name')} />
            <TextInput label="Last name" autoComplete="family-name" required {...form.getInputProps('last_name')} />
          </Group>
          <TextInput label="E-mail" type="email" autoComplete="email" required {...form.getInputProps('email')} />
          <PasswordInput label="Password" autoComplete="new-password" required {...form.getInputProps('password')} />
          <PasswordInput label="Repeat the password" autoComplete="new-password" required {...form.getInputProps('password_confirmation')} />
          <ErrorLine error={error} />
          <Button type="submit" loading={pending} disabled={pending}>
            Sign up
          </Button>
          <Text size="sm">
            Already registered?{' '}
            <Anchor component={Link} to="/sign-in">
              Sign in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </Paper>
  );
}
