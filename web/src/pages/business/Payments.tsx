/**
 * CRM payments and instalments: record a payment, schedule an instalment, show one client's, edit or
 * delete either in place. Amounts are typed in the currency's major unit and stored in minor units.
 */
import { Badge, Button, Card, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { CrmInstalment, CrmInstalmentStatus, CrmPayment, CrmPaymentStatus, SdkError } from '@kit/sdk';
import { useState } from 'react';
import { formatMoney } from '@kit/sdk';
import { crm, fromCrmAmount } from '../../api/business.ts';
import { ErrorLine, Notice } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { DeleteButton, EditButton } from '../../components/RowDialogs.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { usePage, useResult } from '../../lib/usePage.ts';

const amount = (value: number, currency: string) => formatMoney(value, currency);
const PAYMENT_STATUSES = ['paid', 'failed', 'refunded', 'disputed'];
const INSTALMENT_STATUSES = ['open', 'paid', 'failed', 'closed'];
const today = () => new Date().toISOString().slice(0, 10);

function EditPayment({ payment, onSaved }: { payment: CrmPayment; onSaved: (message: string) => void }) {
  const kit = useKit();
  const form = useForm<{ amount: number | string; status: string; payment_date: string; description: string }>({
    initialValues: {
      amount: fromCrmAmount(payment.amount, payment.currency),
      status: payment.status,
      payment_date: payment.payment_date,
      description: payment.description ?? '',
    },
  });
  const [error, setError] = useState<SdkError | null>(null);
  const [pending, setPending] = useState(false);
  const submit = form.onSubmit(async (v) => {
    setPending(true);
    const result = await crm.updatePayment(kit, payment.id, payment.currency, {
      amount: Number(v.amount),
      status: v.status as CrmPaymentStatus,
      payment_date: v.payment_date,
      description: v.description || null,
    });
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (result.data) onSaved(`Payment of ${amount(result.data.amount, result.data.currency)} saved.`);
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <NumberInput label={`Amount (${payment.currency.toUpperCase()})`} decimalScale={2} required {...form.getInputProps('amount')} />
        <Select label="Status" data={PAYMENT_STATUSES} allowDeselect={false} {...form.getInputProps('status')} />
        <TextInput label="Payment date" description="YYYY-MM-DD" {...form.getInputProps('payment_date')} />
        <TextInput label="Description" {...form.getInputProps('description')} />
        <ErrorLine error={error} />
        <Button type="submit" loading={pending} disabled={pending}>
          Save the payment
        </Button>
      </Stack>
    </form>
  );
}

function EditInstalment({ instalment, onSaved }: { instalment: CrmInstalment; onSaved: (message: string) => void }) {
  const kit = useKit();
  const form = useForm<{ amount: number | string; status: string; schedule_date: string; instalment_number: number | string }>({
    initialValues: {
      amount: fromCrmAmount(instalment.amount, instalment.currency),
      status: instalment.status,
      schedule_date: instalment.schedule_date,
      instalment_number: instalment.instalment_number,
    },
  });
  const [error, setError] = useState<SdkError | null>(null);
  const [pending, setPending] = useState(false);
  const submit = form.onSubmit(async (v) => {
    setPending(true);
    const result = await crm.updateInstalment(kit, instalment.id, instalment.currency, {
      amount: Number(v.amount),
      status: v.status as CrmInstalmentStatus,
      schedule_date: v.schedule_date,
      instalment_number: Number(v.instalment_number),
    });
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (result.data) onSaved(`Instalment ${result.data.instalment_number} saved.`);
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <NumberInput label="Instalment number" min={1} {...form.getInputProps('instalment_number')} />
        <NumberInput label={`Amount (${instalment.currency.toUpperCase()})`} decimalScale={2} required {...form.getInputProps('amount')} />
        <TextInput label="Due date" description="YYYY-MM-DD" {...form.getInputProps('schedule_date')} />
        <Select label="Status" data={INSTALMENT_STATUSES} allowDeselect={false} {...form.getInputProps('status')} />
        <ErrorLine error={error} />
        <Button type="submit" loading={pending} disabled={pending}>
          Save the instalment
        </Button>
      </Stack>
    </form>
  );
}

export default function PaymentsSection() {
  const kit = useKit();
  const [clientFilter, setClientFilter] = useState<string | null>(null);
  const only = clientFilter ? { client_id: clientFilter } : {};
  const payments = usePage<CrmPayment>((q) => crm.payments(kit, { ...q, ...only }), [kit, clientFilter], 50);
  const instalments = usePage<CrmInstalment>((q) => crm.instalments(kit, { ...q, ...only }), [kit, clientFilter], 50);
  const clients = useResult(() => crm.clients(kit, { per_page: 100 }), [kit]);
  const clientNames = new Map((clients.data?.items ?? []).map((c) => [c.id, `${c.first_name} ${c.last_name}`]));
  const clientOptions = (clients.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.first_name} ${c.last_name}` }));
  const form = useForm<{ client_id: string | null; amount: number | string; currency: string }>({ initialValues: { client_id: null, amount: '', currency: 'usd' } });
  const schedule = useForm<{ client_id: string | null; instalment_number: number | string; amount: number | string; currency: string; schedule_date: string }>({
    initialValues: { client_id: null, instalment_number: 1, amount: '', currency: 'usd', schedule_date: today() },
  });
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
  const addInstalment = schedule.onSubmit(async (v) => {
    const result = await crm.createInstalment(kit, {
      client_id: v.client_id ?? '',
      instalment_number: Number(v.instalment_number),
      amount: Number(v.amount),
      currency: v.currency,
      schedule_date: v.schedule_date,
    });
    setError(result.error);
    showFieldErrors(schedule, result.error);
    if (result.data) {
      setNotice(`Instalment ${result.data.instalment_number} of ${amount(result.data.amount, result.data.currency)} scheduled for ${result.data.schedule_date}.`);
      schedule.reset();
      instalments.reload();
    }
  });
  const saved = (reload: () => void, close: () => void) => (message: string) => {
    close();
    setNotice(message);
    reload();
  };
  return (
    <Stack>
      <Card withBorder>
        <Text component="h2" fw={700} mb="xs">
          Record a payment
        </Text>
        <form onSubmit={submit} noValidate>
          <Group align="flex-start" grow>
            <Select label="Paying client" searchable required data={clientOptions} {...form.getInputProps('client_id')} />
            <NumberInput label="Amount" decimalScale={2} required {...form.getInputProps('amount')} />
            <TextInput label="Payment currency" {...form.getInputProps('currency')} />
          </Group>
          <Button type="submit" mt="sm">
            Record the payment
          </Button>
        </form>
      </Card>
      <Card withBorder>
        <Text component="h2" fw={700} mb="xs">
          Schedule an instalment
        </Text>
        <form onSubmit={addInstalment} noValidate>
          <Group align="flex-start" grow>
            <Select label="Client owing it" searchable required data={clientOptions} {...schedule.getInputProps('client_id')} />
            <NumberInput label="Instalment no." min={1} required {...schedule.getInputProps('instalment_number')} />
            <NumberInput label="Instalment amount" decimalScale={2} required {...schedule.getInputProps('amount')} />
            <TextInput label="Instalment currency" {...schedule.getInputProps('currency')} />
            <TextInput label="Due on" description="YYYY-MM-DD" required {...schedule.getInputProps('schedule_date')} />
          </Group>
          <Button type="submit" mt="sm">
            Schedule the instalment
          </Button>
        </form>
      </Card>
      <ErrorLine error={error} />
      {notice && <Notice>{notice}</Notice>}
      <Select
        label="Show the payments and instalments of"
        placeholder="All clients"
        searchable
        clearable
        clearButtonProps={{ 'aria-label': 'Show every client' }}
        data={clientOptions}
        value={clientFilter}
        onChange={setClientFilter}
        maw={360}
      />
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
          {
            label: 'Actions',
            render: (p) => {
              const what = `payment of ${amount(p.amount, p.currency)} on ${p.payment_date}`;
              return (
                <Group gap="xs" wrap="nowrap">
                  <EditButton what={what}>{(close) => <EditPayment payment={p} onSaved={saved(payments.reload, close)} />}</EditButton>
                  <DeleteButton
                    what={what}
                    consequence="Instalments paid by it stay, without the link. This cannot be undone."
                    run={() => crm.removePayment(kit, p.id)}
                    onDone={() => {
                      setNotice(`Payment of ${amount(p.amount, p.currency)} deleted.`);
                      payments.reload();
                    }}
                  />
                </Group>
              );
            },
          },
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
          {
            label: 'Actions',
            render: (i) => {
              const what = `instalment ${i.instalment_number} due ${i.schedule_date}`;
              return (
                <Group gap="xs" wrap="nowrap">
                  <EditButton what={what}>{(close) => <EditInstalment instalment={i} onSaved={saved(instalments.reload, close)} />}</EditButton>
                  <DeleteButton
                    what={what}
                    run={() => crm.removeInstalment(kit, i.id)}
                    onDone={() => {
                      setNotice(`Instalment ${i.instalment_number} deleted.`);
                      instalments.reload();
                    }}
                  />
                </Group>
              );
            },
          },
        ]}
      />
    </Stack>
  );
}
