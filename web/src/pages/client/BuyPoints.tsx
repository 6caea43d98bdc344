/**
 * Buying points: one intent per package press. The payment is created with the intent's idempotency
 * key (a double click makes one payment), paid at the checkout and confirmed.
 */
import { Alert, Button, Card, SimpleGrid, Stack, Text } from '@mantine/core';
import type { KitClient, PointsPackage } from '@kit/sdk';
import { useCallback, useState } from 'react';
import { fakeCheckout, points } from '../../api/client.ts';
import { ErrorLine, Notice, PageTitle, money } from '../../components/ui.tsx';
import { useAppConfig, useKit } from '../../lib/kit.tsx';
import { useAction } from '../../lib/useAction.ts';
import { useResult } from '../../lib/usePage.ts';

async function buyAndPay(kit: KitClient, key: string, pkg: PointsPackage, fake: boolean) {
  const created = await points.buy(kit, pkg.id, key);
  if (created.error) return created;
  if (fake && created.data.client_secret && created.data.payment.status === 'pending') await fakeCheckout(created.data.client_secret);
  return points.confirm(kit, created.data.payment.id);
}

export default function BuyPointsPage() {
  const kit = useKit();
  const config = useAppConfig();
  const packages = useResult(() => points.packages(kit), [kit]);
  const [done, setDone] = useState<string | null>(null);
  const run = useCallback((key: string, pkg: PointsPackage) => buyAndPay(kit, key, pkg, config.fakeStripe), [kit, config.fakeStripe]);
  const buy = useAction(run);
  return (
    <Stack>
      <PageTitle>Buy points</PageTitle>
      {config.fakeStripe && (
        <Alert color="gray" title="Test checkout">
          This stack uses the local fake Stripe: paying succeeds at once.
        </Alert>
      )}
      <ErrorLine error={packages.error ?? buy.error} />
      {done && <Notice title="Payment received">{done}</Notice>}
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {packages.data?.items.map((pkg) => (
          <Card key={pkg.id} withBorder>
            <Text fw={700}>{pkg.name}</Text>
            <Text>{pkg.points} points</Text>
            <Text c="dimmed" mb="sm">
              {money(pkg.price_amount, pkg.currency)}
            </Text>
            <Button
              loading={buy.pending}
              disabled={buy.pending}
              onClick={() => {
                setDone(null);
                void buy.execute(pkg).then((result) => {
                  if (result?.data) setDone(`${pkg.points} points — payment ${result.data.payment.status}.`);
                });
              }}
            >
              Pay {money(pkg.price_amount, pkg.currency)}
            </Button>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
