/**
 * Register a business: the caller becomes the owner of a new account that waits for a platform
 * admin's approval (`kit.accounts.register`). One idempotency key per intent, so a double click
 * registers one business.
 */
import { Button, Card, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { accounts } from '../../api/business.ts';
import { ErrorLine, Notice } from '../../components/ui.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { useAction } from '../../lib/useAction.ts';

export function RegisterBusiness({ onRegistered }: { onRegistered: () => void }) {
  const kit = useKit();
  const form = useForm<{ name: string; contact_email: string }>({ initialValues: { name: '', contact_email: '' } });
  const register = useAction((key: string, name: string, contactEmail: string) => accounts.register(kit, { name, ...(contactEmail ? { contact_email: contactEmail } : {}) }, key));
  const submit = form.onSubmit(async (v) => {
    const result = await register.execute(v.name, v.contact_email.trim());
    showFieldErrors(form, result?.error);
    if (result?.data) {
      form.reset();
      onRegistered();
    }
  });
  return (
    <Card withBorder component="section" aria-labelledby="register-business">
      <Text component="h2" id="register-business" fw={700} mb="xs">
        Register a business
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack maw={420}>
          <TextInput label="Business name" required {...form.getInputProps('name')} />
          <TextInput label="Contact e-mail" type="email" {...form.getInputProps('contact_email')} />
          <ErrorLine error={register.error} />
          {register.data && <Notice>{`Business ${register.data.account.name} registered: it waits for approval.`}</Notice>}
          <Button type="submit" loading={register.pending} disabled={register.pending}>
            Register the business
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
