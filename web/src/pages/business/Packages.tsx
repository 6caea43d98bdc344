/** Packages on offer, and the packages each client has: create, edit and delete in place. */
import { Badge, Button, Card, Checkbox, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { CrmClientPackage, CrmPackage, SdkError } from '@kit/sdk';
import { useState } from 'react';
import { formatMoney } from '@kit/sdk';
import { crm, fromCrmAmount } from '../../api/business.ts';
import { ErrorLine, Notice } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { DeleteButton, EditButton } from '../../components/RowDialogs.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { usePage, useResult } from '../../lib/usePage.ts';

const SCHEDULES = ['PIF', 'Monthly', 'Quarterly', 'Yearly'];

function EditPackage({ pkg, onSaved }: { pkg: CrmPackage; onSaved: (message: string) => void }) {
  const kit = useKit();
  const form = useForm<{ name: string; description: string; price: number | string; is_active: boolean }>({
    initialValues: { name: pkg.name, description: pkg.description ?? '', price: pkg.price === null ? '' : fromCrmAmount(pkg.price, pkg.currency), is_active: pkg.is_active },
  });
  const [error, setError] = useState<SdkError | null>(null);
  const [pending, setPending] = useState(false);
  const submit = form.onSubmit(async (v) => {
    setPending(true);
    const result = await crm.updatePackage(kit, pkg.id, pkg.currency, {
      name: v.name,
      description: v.description || null,
      price: v.price === '' ? null : Number(v.price),
      is_active: v.is_active,
    });
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (result.data) onSaved(`Package ${result.data.name} saved.`);
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput label="Package name" required {...form.getInputProps('name')} />
        <TextInput label="Description" {...form.getInputProps('description')} />
        <NumberInput label={`Price (${pkg.currency.toUpperCase()})`} decimalScale={2} min={0} {...form.getInputProps('price')} />
        <Checkbox label="On offer" {...form.getInputProps('is_active', { type: 'checkbox' })} />
        <ErrorLine error={error} />
        <Button type="submit" loading={pending} disabled={pending}>
          Save the package
        </Button>
      </Stack>
    </form>
  );
}

function EditClientPackage({ cp, onSaved }: { cp: CrmClientPackage; onSaved: (message: string) => void }) {
  const kit = useKit();
  const form = useForm<{ custom_price: number | string; payment_schedule: string; start_date: string; status: string }>({
    initialValues: {
      custom_price: cp.custom_price === null ? '' : fromCrmAmount(cp.custom_price, cp.currency),
      payment_schedule: cp.payment_schedule,
      start_date: cp.start_date,
      status: cp.status,
    },
  });
  const [error, setError] = useState<SdkError | null>(null);
  const [pending, setPending] = useState(false);
  const submit = form.onSubmit(async (v) => {
    setPending(true);
    const result = await crm.updateClientPackage(kit, cp.id, cp.currency, {
      custom_price: v.custom_price === '' ? null : Number(v.custom_price),
      payment_schedule: v.payment_schedule as CrmClientPackage['payment_schedule'],
      start_date: v.start_date,
      status: v.status as CrmClientPackage['status'],
    });
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error);
    if (result.data) onSaved('Client package saved.');
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <NumberInput
          label={`Custom price (${cp.currency.toUpperCase()})`}
          description="Empty: the package's price"
          decimalScale={2}
          min={0}
          {...form.getInputProps('custom_price')}
        />
        <Select label="Payment schedule" data={SCHEDULES} allowDeselect={false} {...form.getInputProps('payment_schedule')} />
        <TextInput label="Start date" description="YYYY-MM-DD" {...form.getInputProps('start_date')} />
        <Select label="Status" data={['active', 'inactive']} allowDeselect={false} {...form.getInputProps('status')} />
        <ErrorLine error={error} />
        <Button type="submit" loading={pending} disabled={pending}>
          Save the client package
        </Button>
      </Stack>
    </form>
  );
}

export default function PackagesSection() {
  const kit = useKit();
  const packages = usePage<CrmPackage>((q) => crm.packages(kit, q), [kit], 50);
  const clientPackages = usePage<CrmClientPackage>((q) => crm.clientPackages(kit, q), [kit], 50);
  const clients = useResult(() => crm.clients(kit, { per_page: 100 }), [kit]);
  const form = useForm<{ name: string; price: number | string; currency: string }>({ initialValues: { name: '', price: '', currency: 'usd' } });
  const assign = useForm<{ client_id: string | null; package_id: string | null }>({ initialValues: { client_id: null, package_id: null } });
  const [error, setError] = useState<SdkError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const names = new Map((packages.data?.items ?? []).map((p) => [p.id, p.name]));
  const clientNames = new Map((clients.data?.items ?? []).map((c) => [c.id, `${c.first_name} ${c.last_name}`]));
  const create = form.onSubmit(async (v) => {
    const result = await crm.createPackage(kit, { name: v.name, price: Number(v.price), currency: v.currency });
    setError(result.error);
    showFieldErrors(form, result.error);
    if (result.data) {
      setNotice(`Package ${result.data.name} created.`);
      form.reset();
      packages.reload();
    }
  });
  const give = assign.onSubmit(async (v) => {
    if (!v.client_id || !v.package_id) return;
    const result = await crm.createClientPackage(kit, { client_id: v.client_id, package_id: v.package_id });
    setError(result.error);
    showFieldErrors(assign, result.error);
    if (result.data) {
      setNotice('Package given to the client.');
      clientPackages.reload();
    }
  });
  return (
    <Stack>
      {notice && <Notice>{notice}</Notice>}
      <ErrorLine error={error ?? packages.error ?? clientPackages.error} />
      <Card withBorder>
        <Text component="h2" fw={700} mb="xs">
          New package
        </Text>
        <form onSubmit={create} noValidate>
          <Group align="flex-start" grow>
            <TextInput label="Package name" required {...form.getInputProps('name')} />
            <NumberInput label="Price" decimalScale={2} min={0} required {...form.getInputProps('price')} />
            <TextInput label="Currency" {...form.getInputProps('currency')} />
          </Group>
          <Button type="submit" mt="sm">
            Create the package
          </Button>
        </form>
      </Card>
      <PagedTable
        caption="Packages"
        page={packages.data}
        onPage={packages.setPage}
        rowKey={(p) => p.id}
        columns={[
          { label: 'Name', render: (p) => p.name },
          { label: 'Price', render: (p) => (p.price === null ? '' : formatMoney(p.price, p.currency)) },
          { label: 'Status', render: (p) => <Badge variant="light">{p.is_active ? 'active' : 'inactive'}</Badge> },
          {
            label: 'Actions',
            render: (p) => (
              <Group gap="xs" wrap="nowrap">
                <EditButton what={`package ${p.name}`}>
                  {(close) => (
                    <EditPackage
                      pkg={p}
                      onSaved={(message) => {
                        close();
                        setNotice(message);
                        packages.reload();
                      }}
                    />
                  )}
                </EditButton>
                <DeleteButton
                  what={`package ${p.name}`}
                  consequence="Only a package no client has can be deleted; otherwise take it off offer. This cannot be undone."
                  run={() => crm.removePackage(kit, p.id)}
                  onDone={() => {
                    setNotice(`Package ${p.name} deleted.`);
                    packages.reload();
                  }}
                />
              </Group>
            ),
          },
        ]}
      />
      <Card withBorder>
        <Text component="h2" fw={700} mb="xs">
          Give a package to a client
        </Text>
        <form onSubmit={give} noValidate>
          <Group align="flex-start" grow>
            <Select
              label="Client"
              searchable
              data={(clients.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.first_name} ${c.last_name}` }))}
              {...assign.getInputProps('client_id')}
            />
            <Select label="Package" data={(packages.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))} {...assign.getInputProps('package_id')} />
          </Group>
          <Button type="submit" mt="sm">
            Give the package
          </Button>
        </form>
      </Card>
      <PagedTable
        caption="Client packages"
        page={clientPackages.data}
        onPage={clientPackages.setPage}
        rowKey={(cp) => cp.id}
        columns={[
          { label: 'Client', render: (cp) => clientNames.get(cp.client_id) ?? cp.client_id.slice(0, 8) },
          { label: 'Package', render: (cp) => names.get(cp.package_id) ?? cp.package_id.slice(0, 8) },
          { label: 'Schedule', render: (cp) => cp.payment_schedule },
          { label: 'Since', render: (cp) => cp.start_date },
          { label: 'Price', render: (cp) => (cp.custom_price === null ? 'package price' : formatMoney(cp.custom_price, cp.currency)) },
          { label: 'Status', render: (cp) => <Badge variant="light">{cp.status}</Badge> },
          {
            label: 'Actions',
            render: (cp) => {
              const what = `${names.get(cp.package_id) ?? 'package'} of ${clientNames.get(cp.client_id) ?? 'a client'}`;
              return (
                <Group gap="xs" wrap="nowrap">
                  <EditButton what={what}>
                    {(close) => (
                      <EditClientPackage
                        cp={cp}
                        onSaved={(message) => {
                          close();
                          setNotice(message);
                          clientPackages.reload();
                        }}
                      />
                    )}
                  </EditButton>
                  <DeleteButton
                    what={what}
                    consequence="Its instalments are deleted with it; its payments stay, without the link. This cannot be undone."
                    run={() => crm.removeClientPackage(kit, cp.id)}
                    onDone={() => {
                      setNotice('Client package deleted.');
                      clientPackages.reload();
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
