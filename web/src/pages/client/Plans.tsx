/**
 * Plans: the user plans on sale (each with its monthly points allowance) and the caller's current
 * subscription, read through `kit.billing`. Starting or changing a plan goes through Stripe Checkout
 * and the Billing Portal (`kit.billing.checkout`, `kit.billing.portal`), which need real Stripe pages.
 */
import { Badge, Card, Stack, Text } from '@mantine/core';
import type { BillingPlan, BillingSubscription, SdkError } from '@kit/sdk';
import { formatMoney } from '@kit/sdk';
import { useEffect, useState } from 'react';
import { ErrorLine, PageTitle, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { useKit } from '../../lib/kit.tsx';
import { usePage } from '../../lib/usePage.ts';

export default function PlansPage() {
  const kit = useKit();
  const plans = usePage<BillingPlan>((q) => kit.billing.plans({ ...q, kind: 'user' }), [kit], 20);
  const [subscription, setSubscription] = useState<BillingSubscription | null | undefined>(undefined);
  const [error, setError] = useState<SdkError | null>(null);
  useEffect(() => {
    void kit.billing.mySubscription().then((result) => {
      setError(result.error);
      setSubscription(result.data);
    });
  }, [kit]);
  const current = plans.data?.items.find((p) => p.id === subscription?.price_id);
  return (
    <Stack>
      <PageTitle>Plans</PageTitle>
      <ErrorLine error={plans.error ?? error} />
      <Card withBorder aria-label="My subscription">
        {subscription === undefined ? (
          <Text c="dimmed">Loading your subscription…</Text>
        ) : subscription === null ? (
          <Text>You have no plan: points are bought one package at a time.</Text>
        ) : (
          <Stack gap={4}>
            <Text fw={600}>
              {current?.product.name ?? subscription.price_id} <Badge variant="light">{subscription.status}</Badge>
            </Text>
            <Text size="sm">
              {subscription.cancel_at_period_end ? 'Ends' : 'Renews'} on {dateTime(subscription.current_period_end)}
            </Text>
          </Stack>
        )}
      </Card>
      <PagedTable
        caption="User plans"
        page={plans.data}
        onPage={plans.setPage}
        rowKey={(p) => p.id}
        columns={[
          { label: 'Plan', render: (p) => p.product.name },
          { label: 'Points each month', render: (p) => p.product.monthly_points },
          { label: 'Price', render: (p) => `${formatMoney(p.unit_amount, p.currency)} / ${p.recurring_interval ?? 'once'}` },
          { label: 'Trial', render: (p) => (p.product.trial_days > 0 ? `${p.product.trial_days} days` : '—') },
        ]}
      />
    </Stack>
  );
}
