/** Packages on offer, and the packages each client has. */
import { Badge, Button, Card, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { CrmClientPackage, CrmPackage, SdkError } from '@kit/sdk';
import { useState } from 'react';
import { formatMoney } from '@kit/sdk';
import { crm } from '../../api/business.ts';
import { ErrorLine, Notice } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { usePage, useResult } from '../../lib/usePage.ts';

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
          { label: 'Status', render: (cp) => <Badge variant="light">{cp.status}</Badge> },
        ]}
      />
    </Stack>
  );
}
