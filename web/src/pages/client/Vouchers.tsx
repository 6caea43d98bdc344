/** Vouchers: buy one (idempotent payment), my vouchers, redeem a code (idempotent), history. */
import { Badge, Button, Card, Select, SimpleGrid, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { KitClient, Voucher, VoucherRedemption, VoucherType } from '@kit/sdk';
import { useCallback, useState } from 'react';
import { fakeCheckout, points, vouchers } from '../../api/client.ts';
import { ErrorLine, Notice, PageTitle, dateTime, money } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { showFieldErrors } from '../../lib/form.ts';
import { useAppConfig, useKit } from '../../lib/kit.tsx';
import { useAction } from '../../lib/useAction.ts';
import { usePage, useResult } from '../../lib/usePage.ts';

async function buyAndPay(kit: KitClient, key: string, type: VoucherType, fake: boolean) {
  const created = await vouchers.buy(kit, type.id, key);
  if (created.error) return created;
  if (fake && created.data.client_secret && created.data.payment.status === 'pending') await fakeCheckout(created.data.client_secret);
  return points.confirm(kit, created.data.payment.id);
}

/** A service type as words: `exam_results` → "Exam results" (one option per service, whatever the types are called). */
const serviceLabel = (serviceType: string) => {
  const words = serviceType.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export default function VouchersPage() {
  const kit = useKit();
  const config = useAppConfig();
  const types = useResult(() => vouchers.types(kit), [kit]);
  const mine = usePage<Voucher>((q) => vouchers.mine(kit, q), [kit], 20);
  const history = usePage<VoucherRedemption>((q) => vouchers.history(kit, q), [kit], 20);
  const [notice, setNotice] = useState<string | null>(null);
  const runBuy = useCallback((key: string, type: VoucherType) => buyAndPay(kit, key, type, config.fakeStripe), [kit, config.fakeStripe]);
  const buy = useAction(runBuy);
  const runRedeem = useCallback((key: string, code: string, service: string) => vouchers.redeem(kit, code, service, key), [kit]);
  const redeem = useAction(runRedeem);
  const form = useForm({ initialValues: { code: '', service_type: '' } });
  const submitRedeem = form.onSubmit(async ({ code, service_type }) => {
    const result = await redeem.execute(code.trim(), service_type);
    showFieldErrors(form, result?.error);
    if (result?.data) {
      setNotice(`Voucher ${code} redeemed.`);
      mine.reload();
      history.reload();
    }
  });
  return (
    <Stack>
      <PageTitle>Vouchers</PageTitle>
      {notice && <Notice>{notice}</Notice>}
      <Tabs defaultValue="mine" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="mine">My vouchers</Tabs.Tab>
          <Tabs.Tab value="buy">Buy</Tabs.Tab>
          <Tabs.Tab value="redeem">Redeem</Tabs.Tab>
          <Tabs.Tab value="history">History</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="mine" pt="md">
          <ErrorLine error={mine.error} />
          <PagedTable
            caption="My vouchers"
            page={mine.data}
            onPage={mine.setPage}
            rowKey={(v) => v.id}
            columns={[
              { label: 'Code', render: (v) => <Text ff="monospace">{v.code}</Text> },
              { label: 'Type', render: (v) => v.voucher_type?.name ?? '' },
              { label: 'Uses left', render: (v) => `${v.uses_remaining} of ${v.total_uses}` },
              { label: 'Expires', render: (v) => dateTime(v.expires_at) },
              { label: 'Status', render: (v) => <Badge variant="light">{v.is_active ? 'active' : 'inactive'}</Badge> },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="buy" pt="md">
          <ErrorLine error={types.error ?? buy.error} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {types.data?.items.map((type) => (
              <Card key={type.id} withBorder>
                <Text fw={700}>{type.name}</Text>
                <Text size="sm" c="dimmed">
                  {type.description}
                </Text>
                <Button
                  mt="sm"
                  loading={buy.pending}
                  disabled={buy.pending}
                  onClick={() => {
                    void buy.execute(type).then((result) => {
                      if (result?.data) {
                        setNotice(`${type.name}: payment ${result.data.payment.status}.`);
                        mine.reload();
                      }
                    });
                  }}
                >
                  Buy for {money(type.price_amount, type.currency)}
                </Button>
              </Card>
            ))}
          </SimpleGrid>
        </Tabs.Panel>
        <Tabs.Panel value="redeem" pt="md">
          <form onSubmit={submitRedeem} noValidate>
            <Stack maw={420}>
              <TextInput label="Voucher code" required {...form.getInputProps('code')} />
              <Select
                label="Service"
                required
                data={[...new Set((types.data?.items ?? []).map((t) => t.service_type))].map((s) => ({ value: s, label: serviceLabel(s) }))}
                {...form.getInputProps('service_type')}
              />
              <ErrorLine error={redeem.error} />
              <Button type="submit" loading={redeem.pending} disabled={redeem.pending}>
                Redeem
              </Button>
            </Stack>
          </form>
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <ErrorLine error={history.error} />
          <PagedTable
            caption="Voucher history"
            page={history.data}
            onPage={history.setPage}
            rowKey={(r) => r.id}
            columns={[
              { label: 'When', render: (r) => dateTime(r.redeemed_at) },
              { label: 'Code', render: (r) => r.voucher?.code ?? '' },
              { label: 'Service', render: (r) => r.service_type },
            ]}
          />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
