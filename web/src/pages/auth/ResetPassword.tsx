import { Button, Paper, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { SdkError } from '@kit/sdk';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { completePasswordReset } from '../../api/auth.ts';
import { ErrorLine, PageTitle } from '../../components/ui.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';

export default function ResetPasswordPage() {
  const kit = useKit();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<SdkError | null>(null);
  const [pending, setPending] = useState(false);
  const form = useForm({ initialValues: { password: '', password_confirmation: '' } });
  const submit = form.onSubmit(async ({ password, password_confirmation }) => {
    if (password !== password_confirmation) {
      form.setFieldError('password_confirmation', 'The passwords differ');
      return;
    }
    setPending(true);
    const result = await completePasswordReset(kit, params.get('token_hash') ?? params.get('token') ?? undefined, password);
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (!result.error) navigate('/wallet', { replace: true });
  });
  return (
    <Paper maw={420} mx="auto" p="md" withBorder>
      <PageTitle>Choose a new password</PageTitle>
      <form onSubmit={submit} noValidate>
        <Stack>
          <PasswordInput label="New password" autoComplete="new-password" required {...form.getInputProps('password')} />
          <PasswordInput label="Repeat the new password" autoComplete="new-password" required {...form.getInputProps('password_confirmation')} />
          <ErrorLine error={error} />
          <Button type="submit" loading={pending} disabled={pending}>
            Save the password
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
