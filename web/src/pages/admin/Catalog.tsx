/**
 * What is on sale: voucher types (create; edit price, uses, validity and whether on sale) and points
 * packages (create; deactivate); granting a voucher to a user.
 */
import { Badge, Button, Card, Checkbox, Group, NumberInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { AdminPointsPackage, SdkError, VoucherType } from '@kit/sdk';
import { useState } from 'react';
import { catalog } from '../../api/admin.ts';
import { ActionButton } from '../../components/ActionButton.tsx';
import { ErrorLine, Notice, money } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { EditButton } from '../../components/RowDialogs.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useKit } from '../../lib/kit.tsx';
import { usePage } from '../../lib/usePage.ts';
import { GrantVoucher } from './GrantVoucher.tsx';

/** What the voucher types' check constraints allow, in words, next to the field they refused. */
const TYPE_CHECKS = {
  price_amount: 'Between 1 and 99,999,999 cents',
  max_uses: 'Between 1 and 100,000 uses',
  validity_days: 'Between 1 and 3,650 days',
};

/** The edit dialog's form: the SDK's answer puts its errors next to the fields; saved, it closes. */
function EditVoucherType({ type, onSaved }: { type: VoucherType; onSaved: (saved: VoucherType) => void }) {
  const kit = useKit();
  const form = useForm<{ price_amount: number | string; max_uses: number | string; validity_days: number | string; is_active: boolean }>({
    initialValues: { price_amount: type.price_amount, max_uses: type.max_uses, validity_days: type.validity_days, is_active: type.is_active },
  });
  const [error, setError] = useState<SdkError | null>(null);
  const [pending, setPending] = useState(false);
  const save = form.onSubmit(async (v) => {
    setPending(true);
    const result = await catalog.updateVoucherType(kit, type.id, {
      price_amount: Number(v.price_amount),
      max_uses: Number(v.max_uses),
      validity_days: Number(v.validity_days),
      is_active: v.is_active,
    });
    setPending(false);
    setError(result.error);
    showFieldErrors(form, result.error, TYPE_CHECKS);
    if (result.data) onSaved(result.data);
  });
  return (
    <form onSubmit={save} noValidate>
      <Stack>
        <NumberInput label="Price in cents" required {...form.getInputProps('price_amount')} />
        <NumberInput label="Uses per voucher" required {...form.getInputProps('max_uses')} />
        <NumberInput label="Valid for days" required {...form.getInputProps('validity_days')} />
        <Checkbox label="On sale (off: not sold, and its vouchers cannot be redeemed)" {...form.getInputProps('is_active', { type: 'checkbox' })} />
        <ErrorLine error={error} />
        <Button type="submit" loading={pending} disabled={pending}>
          Save the voucher type
        </Button>
      </Stack>
    </form>
  );
}

export default function CatalogSection() {
  const kit = useKit();
  const types = usePage<VoucherType>((q) => catalog.voucherTypes(kit, q), [kit], 20);
  const packages = usePage<AdminPointsPackage>((q) => catalog.pointsPackages(kit, q), [kit], 20);
  const typeForm = useForm<{ name: string; service_type: string; price_amount: number | string; max_uses: number | string; validity_days: number | string }>({
    initialValues: { name: '', service_type: '', price_amount: '', max_uses: 1, validity_days: 365 },
  });
  const packageForm = useForm<{ name: string; points: number | string; price_amount: number | string }>({ initialValues: { name: '', points: '', price_amount: '' } });
  const [error, setError] = useState<SdkError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Counts the changes to voucher types, so the grant form offers exactly the types on sale.
  const [typesVersion, setTypesVersion] = useState(0);
  const typesChanged = () => {
    types.reload();
    setTypesVersion((v) => v + 1);
  };
  const createType = typeForm.onSubmit(async (v) => {
    const result = await catalog.createVoucherType(kit, {
      name: v.name,
      service_type: v.service_type,
      price_amount: Number(v.price_amount),
      max_uses: Number(v.max_uses),
      validity_days: Number(v.validity_days),
    });
    setError(result.error);
    showFieldErrors(typeForm, result.error);
    if (result.data) {
      setNotice(`Voucher type ${result.data.name} created.`);
      typeForm.reset();
      typesChanged();
    }
  });
  const createPackage = packageForm.onSubmit(async (v) => {
    const result = await catalog.createPointsPackage(kit, { name: v.name, points: Number(v.points), price_amount: Number(v.price_amount) });
    setError(result.error);
    showFieldErrors(packageForm, result.error);
    if (result.data) {
      setNotice(`Points package ${result.data.name} created.`);
      packageForm.reset();
      packages.reload();
    }
  });
  return (
    <Stack>
      {notice && <Notice>{notice}</Notice>}
      <ErrorLine error={error ?? types.error ?? packages.error} />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Text component="h2" fw={700} mb="xs">
            New voucher type
          </Text>
          <form onSubmit={createType} noValidate>
            <Stack>
              <TextInput label="Voucher type name" required {...typeForm.getInputProps('name')} />
              <TextInput label="Service type" description="e.g. exam_results" required {...typeForm.getInputProps('service_type')} />
              <NumberInput label="Price in cents" min={1} required {...typeForm.getInputProps('price_amount')} />
              <Group grow>
                <NumberInput label="Uses" min={1} {...typeForm.getInputProps('max_uses')} />
                <NumberInput label="Valid for days" min={1} {...typeForm.getInputProps('validity_days')} />
              </Group>
              <Button type="submit">Create the voucher type</Button>
            </Stack>
          </form>
        </Card>
        <Card withBorder>
          <Text component="h2" fw={700} mb="xs">
            New points package
          </Text>
          <form onSubmit={createPackage} noValidate>
            <Stack>
              <TextInput label="Package name" required {...packageForm.getInputProps('name')} />
              <NumberInput label="Points" min={1} required {...packageForm.getInputProps('points')} />
              <NumberInput label="Package price in cents" min={1} required {...packageForm.getInputProps('price_amount')} />
              <Button type="submit">Create the package</Button>
            </Stack>
          </form>
        </Card>
      </SimpleGrid>
      <GrantVoucher typesVersion={typesVersion} />
      <PagedTable
        caption="Voucher types"
        page={types.data}
        onPage={types.setPage}
        rowKey={(t) => t.id}
        columns={[
          { label: 'Name', render: (t) => t.name },
          { label: 'Service', render: (t) => t.service_type },
          { label: 'Price', render: (t) => money(t.price_amount, t.currency) },
          { label: 'Uses', render: (t) => t.max_uses },
          { label: 'Valid for', render: (t) => `${t.validity_days} days` },
          { label: 'Status', render: (t) => <Badge variant="light">{t.is_active ? 'on sale' : 'inactive'}</Badge> },
          {
            label: 'Action',
            render: (t) => (
              <EditButton what={t.name}>
                {(close) => (
                  <EditVoucherType
                    type={t}
                    onSaved={(saved) => {
                      close();
                      setNotice(`Saved ${saved.name}.`);
                      typesChanged();
                    }}
                  />
                )}
              </EditButton>
            ),
          },
        ]}
      />
      <PagedTable
        caption="Points packages"
        page={packages.data}
        onPage={packages.setPage}
        rowKey={(p) => p.id}
        columns={[
          { label: 'Name', render: (p) => p.name },
          { label: 'Points', render: (p) => p.points },
          { label: 'Price', render: (p) => money(p.price_amount, p.currency) },
          { label: 'Status', render: (p) => <Badge variant="light">{p.is_active ? 'on sale' : 'inactive'}</Badge> },
          {
            label: 'Action',
            render: (p) =>
              p.is_active ? (
                <ActionButton label="Deactivate" ariaLabel={`Deactivate ${p.name}`} run={() => catalog.deactivatePointsPackage(kit, p.id)} onDone={packages.reload} />
              ) : null,
          },
        ]}
      />
    </Stack>
  );
}
