/**
 * The client persona's SDK calls: wallet, points, tools, usages, feedback, refunds, vouchers, devices,
 * profile, support. Money calls take the intent's idempotency key from `useAction`.
 */
import type { KitClient, PageQuery, ProfileUpdateInput, TicketOpenInput } from '@kit/sdk';

export const wallet = {
  balance: (kit: KitClient) => kit.wallet.balance(),
  history: (kit: KitClient, q: PageQuery) => kit.wallet.history(q),
};

export const points = {
  packages: (kit: KitClient) => kit.payments.pointsPackages(),
  buy: (kit: KitClient, packageId: string, idempotencyKey: string) => kit.payments.buyPoints(packageId, { idempotencyKey }),
  confirm: (kit: KitClient, paymentId: string) => kit.payments.confirm(paymentId),
  history: (kit: KitClient, q: PageQuery) => kit.payments.history(q),
};

/** The local fake Stripe's checkout: marks the PaymentIntent paid (a real app confirms it with Stripe.js). */
export async function fakeCheckout(clientSecret: string): Promise<boolean> {
  const intentId = clientSecret.split('_secret_')[0];
  const answer = await fetch(`/__fake-stripe/payment_intents/${intentId}/succeed`, { method: 'POST' });
  return answer.ok;
}

export const tools = {
  list: (kit: KitClient, q: PageQuery & { search?: string }) => kit.marketplace.tools.list(q),
  get: (kit: KitClient, id: string) => kit.marketplace.tools.get(id),
  use: (kit: KitClient, id: string, price: number, idempotencyKey: string) => kit.marketplace.usage.use(id, { expected_price_points: price }, { idempotencyKey }),
  reviews: (kit: KitClient, id: string, q: PageQuery) => kit.marketplace.feedback.forTool(id, q),
};

export const usages = {
  list: (kit: KitClient, q: PageQuery) => kit.marketplace.usage.list(q),
  rate: (kit: KitClient, usageId: string, rating: number, review?: string) => kit.marketplace.feedback.submit({ usage_id: usageId, rating, ...(review ? { review } : {}) }),
  refund: (kit: KitClient, usageId: string, reason: string, idempotencyKey: string) => kit.marketplace.refunds.request({ usage_id: usageId, reason }, { idempotencyKey }),
  refunds: (kit: KitClient, q: PageQuery) => kit.marketplace.refunds.list(q),
};

export const vouchers = {
  types: (kit: KitClient) => kit.vouchers.types(),
  mine: (kit: KitClient, q: PageQuery) => kit.vouchers.mine(q),
  history: (kit: KitClient, q: PageQuery) => kit.vouchers.history(q),
  buy: (kit: KitClient, typeId: string, idempotencyKey: string) => kit.payments.buyVoucher(typeId, { idempotencyKey }),
  redeem: (kit: KitClient, code: string, serviceType: string, idempotencyKey: string) => kit.vouchers.redeem({ code, service_type: serviceType }, { idempotencyKey }),
};

export const devices = {
  list: (kit: KitClient, q: PageQuery) => kit.auth.devices.list(q),
  signOut: (kit: KitClient, id: string) => kit.auth.devices.signOut(id),
};

export const profile = {
  me: (kit: KitClient) => kit.profiles.me(),
  update: (kit: KitClient, changes: ProfileUpdateInput) => kit.profiles.updateMe(changes),
  uploadAvatar: (kit: KitClient, file: File) => kit.profiles.uploadAvatar(file, { contentType: file.type }),
};

export const support = {
  list: (kit: KitClient, q: PageQuery) => kit.support.list(q),
  open: (kit: KitClient, input: TicketOpenInput) => kit.support.open(input),
  get: (kit: KitClient, id: string) => kit.support.get(id),
  reply: (kit: KitClient, id: string, body: string) => kit.support.reply(id, { body }),
};

export const content = {
  list: (kit: KitClient, q: PageQuery) => kit.content.list({ ...q, published_only: true }),
  get: (kit: KitClient, slug: string) => kit.content.get(slug),
};
