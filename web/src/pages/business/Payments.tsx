/** CRM payments (record one) and instalments. */
import { Badge, Button, Card, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { CrmInstalment, CrmPayment, SdkError } from '@kit/sdk';
import { useState } from 'react';
import { formatMoney } from '@kit/sdk';
import { crm } from '../../api/business.ts';
import { ErrorLine, Notice } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { usePage, useResult } from '../../lib/usePage.ts';

const amount = (value: number, currency: string) => formatMoney(value, currency);

export default function PaymentsSection() {
  const kit = useKit();
  const payments = usePage<CrmPayment>((q) => crm.payments(kit, q), [kit], 50);
  const instalments = usePage<CrmInstalment>((q) => crm.instalments(kit, q), [kit], 50);
  const clients = useResult(() => crm.clients(kit, { per_page: 100 }), [kit]);
  const clientNames = new Map((clients.data?.items ?? []).map((c) => [c.id, `${c.first_name} ${c.last_name}`]));
  const form = useForm<{ client_id: string | null; amount: number | string; currency: string }>({ initialValues: { client_id: null, amount: '', currency: 'usd' } });
  const [error, setError] = useState<SdkError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const submit = form.onSubmit(async (v) => {
    const result = await crm.createPayment(kit, v.client_id ?? '', Number(v.amount), v.currency);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (result.data) {
      setNotice(`Payment of ${amount(result.data.amount, result.data.currency)} recorded.`);
      form.reset();
      payments.reload();
    }
  });
  return (
    <Stack>
      <Card withBorder>
        <Text component="h2" fw={700} mb="xs">
          Record a payment
        </Text>
        <form onSubmit={submit} noValidate>
          <Group align="flex-start" grow>
            <Select
              label="Paying client"
              searchable
              required
              data={(clients.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.first_name} ${c.last_name}` }))}
              {...form.getInputProps('client_id')}
            />
            <NumberInput label="Amount" decimalScale={2} required {...form.getInputProps('amount')} />
            <TextInput label="Payment currency" {...form.getInputProps('currency')} />
          </Group>
          <ErrorLine error={error} />
          <Button type="submit" mt="sm">
            Record the payment
          </Button>
        </form>
      </Card>
      {notice && <Notice>{notice}</Notice>}
      <ErrorLine error={payments.error ?? instalments.error} />
      <PagedTable
        caption="Payments"
        page={payments.data}
        onPage={payments.setPage}
        rowKey={(p) => p.id}
        columns={[
          { label: 'Date', render: (p) => p.payment_date },
          { label: 'Client', render: (p) => clientNames.get(p.client_id) ?? p.client_id.slice(0, 8) },
          { label: 'Amount', render: (p) => amount(p.amount, p.currency) },
          { label: 'Status', render: (p) => <Badge variant="light">{p.status}</Badge> },
        ]}
      />
      <Text component="h2" fw={700} size="lg">
        Instalments
      </Text>
      <PagedTable
        caption="Instalments"
        page={instalments.data}
        onPage={instalments.setPage}
        rowKey={(i) => i.id}
        columns={[
          { label: 'Due', render: (i) => i.schedule_date },
          { label: 'No.', render: (i) => i.instalment_number },
          { label: 'Client', render: (i) => clientNames.get(i.client_id) ?? i.client_id.slice(0, 8) },
          { label: 'Amount', render: (i) => amount(i.amount, i.currency) },
          { label: 'Status', render: (i) => <Badge variant="light">{i.status}</Badge> },
        ]}
      />
    </Stack>
  );
}
