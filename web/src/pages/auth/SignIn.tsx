import { Anchor, Button, Divider, Paper, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { SdkError } from '@kit/sdk';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { requestPasswordReset, sendMagicLink, signIn } from '../../api/auth.ts';
import { ErrorLine, PageTitle } from '../../components/ui.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';

export default function SignInPage() {
  const kit = useKit();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<SdkError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const form = useForm({ initialValues: { email: '', password: '' } });

  const submit = form.onSubmit(async ({ email, password }) => {
    setPending(true);
    setNotice(null);
    const result = await signIn(kit, email, password);
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (!result.error) navigate(params.get('next') ?? '/wallet');
  });
  const mail = async (kind: 'magic' | 'reset') => {
    const email = form.values.email;
    if (!email) {
      form.setFieldError('email', 'Enter your e-mail first');
      return;
    }
    setPending(true);
    const result = kind === 'magic' ? await sendMagicLink(kit, email) : await requestPasswordReset(kit, email);
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (!result.error) setNotice(kind === 'magic' ? 'Check your e-mail for a sign-in link.' : 'If an account exists, we sent a link to reset the password.');
  };

  return (
    <Paper maw={420} mx="auto" p="md" withBorder>
      <PageTitle>Sign in</PageTitle>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="E-mail" type="email" autoComplete="email" required {...form.getInputProps('email')} />
          <PasswordInput label="Password" autoComplete="current-password" required {...form.getInputProps('password')} />
          <ErrorLine error={error} />
          {notice && (
            <Text role="status" c="teal.9">
              {notice}
            </Text>
          )}
          <Button type="submit" loading={pending} disabled={pending}>
            Sign in
          </Button>
        </Stack>
      </form>
      <Divider my="md" label="or" />
      <Stack gap="xs">
        <Button variant="default" onClick={() => void mail('magic')} disabled={pending}>
          E-mail me a sign-in link
        </Button>
        <Button variant="subtle" onClick={() => void mail('reset')} disabled={pending}>
          Forgot your password?
        </Button>
        <Text size="sm">
          No account yet?{' '}
          <Anchor component={Link} to="/sign-up">
            Sign up
          </Anchor>
        </Text>
      </Stack>
    </Paper>
  );
}
