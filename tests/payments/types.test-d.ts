/**
 * Type-level tests of `kit.payments` and `kit.vouchers`: `npm run typecheck` fails if a wrong call
 * compiles, because every `@ts-expect-error` below must meet an error.
 */
import { createClient, type Payment, type PaymentStatus, type Redemption, type VoucherType } from '../../src/sdk/index.ts';

const kit = createClient('http://127.0.0.1:54321', 'sb_publishable_key');

export async function amountsNeverComeFromTheClient(): Promise<void> {
  // @ts-expect-error the price comes from the database: an amount does not compile
  await kit.payments.create({ voucher_type_id: 'a0000000-0000-4000-8000-000000000001', amount: 1 });
  // @ts-expect-error nor does a currency
  await kit.payments.create({ points_package_id: 'b0000000-0000-4000-8000-000000000001', currency: 'usd' });
  await kit.payments.create({ voucher_type_id: 'a0000000-0000-4000-8000-000000000001' }, { idempotencyKey: 'cart-1' });
}

export async function resultsAreTyped(): Promise<void> {
  const { data } = await kit.payments.history({ status: 'completed', per_page: 10 });
  const first: Payment | undefined = data?.items[0];
  const status: PaymentStatus | undefined = first?.status;
  // @ts-expect-error 'paid' is a CRM payment status, not a Stripe payment's
  if (status === 'paid') return;
  // @ts-expect-error history filters by the payment statuses only
  await kit.payments.history({ status: 'paid' });

  const types = await kit.vouchers.types();
  const type: VoucherType | undefined = types.data?.items[0];
  const cents: number | undefined = type?.price_amount;
  void cents;
  // @ts-expect-error voucher types have no `price` column: the price is `price_amount`, in minor units
  void type?.price;

  const redeemed = await kit.vouchers.redeem({ code: 'ABCD-EFGH-JKMN-PQRS', service_type: 'exam_results' });
  const redemption: Redemption | null = redeemed.data;
  const left: number | undefined = redemption?.uses_remaining;
  void left;
  // @ts-expect-error a redemption names its service type
  await kit.vouchers.redeem({ code: 'ABCD-EFGH-JKMN-PQRS' });
}
