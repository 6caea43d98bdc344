/**
 * Type-level tests of the `wallet`, `marketplace`, `support` and `content` namespaces: `npm run
 * typecheck` (tsc) fails if a wrong call compiles, because every `@ts-expect-error` below must meet an error.
 */
import { createClient, type Page, type Result, type Tool, type ToolUse, type WalletEntry } from '../../src/sdk/index.ts';

const kit = createClient('http://127.0.0.1:54321', 'sb_publishable_key');

export async function walletIsTyped(): Promise<void> {
  const balance = await kit.wallet.balance();
  if (balance.data) {
    const points: number = balance.data.balance;
    void points;
  }
  const history: Result<Page<WalletEntry>> = await kit.wallet.history({ kind: ['spend', 'refund'], page: 1 });
  void history;
  // @ts-expect-error 'gift' is not a ledger kind
  await kit.wallet.history({ kind: 'gift' });
  // @ts-expect-error an adjustment needs a reason
  await kit.admin.wallet.adjust({ user_id: 'u', amount: 5 });
  // @ts-expect-error points are numbers
  await kit.admin.wallet.adjust({ user_id: 'u', amount: '5', reason: 'Bonus' });
}

export async function marketplaceIsTyped(): Promise<void> {
  const tools: Result<Page<Tool>> = await kit.marketplace.tools.list({ sort: 'rating', category: 'text' });
  void tools;
  // @ts-expect-error 'cheapest' is not a sort
  await kit.marketplace.tools.list({ sort: 'cheapest' });
  // @ts-expect-error 'publish' is not a review decision
  await kit.admin.tools.review('t', { decision: 'publish' });
  // @ts-expect-error the status is not editable
  await kit.marketplace.tools.update('t', { status: 'approved' });
  const used: Result<ToolUse> = await kit.marketplace.usage.use('t', { expected_price_points: 5 }, { idempotencyKey: 'order-1' });
  // @ts-expect-error the price the client expects to pay is required
  await kit.marketplace.usage.use('t', { idempotencyKey: 'order-1' });
  if (used.data) {
    const replayed: boolean = used.data.replayed;
    void replayed;
  }
  // @ts-expect-error rejecting a payout needs a reason
  await kit.admin.payouts.reject('p', {});
  // @ts-expect-error a rating is a number
  await kit.marketplace.feedback.submit({ usage_id: 'u', rating: 'five' });
  // @ts-expect-error a refund needs a reason
  await kit.marketplace.refunds.request({ usage_id: 'u' });
}

export async function supportAndContentAreTyped(): Promise<void> {
  await kit.support.open({ subject: 'Help', body: 'Please', priority: 'urgent' });
  // @ts-expect-error 'asap' is not a priority
  await kit.support.open({ subject: 'Help', body: 'Please', priority: 'asap' });
  // @ts-expect-error 'archived' is not a ticket status
  await kit.admin.support.update('t', { status: 'archived' });
  // @ts-expect-error 'post' is not a content kind
  await kit.content.list({ kind: 'post' });
}
