/** The tool creator's SDK calls: tools, API keys, revenue, payouts. */
import type { KitClient, PageQuery, ToolCreateInput, ToolRevisionStatus, ToolUpdateInput } from '@kit/sdk';

export const creatorTools = {
  mine: (kit: KitClient, q: PageQuery) => kit.marketplace.tools.mine(q),
  create: (kit: KitClient, input: ToolCreateInput) => kit.marketplace.tools.create(input),
  update: (kit: KitClient, id: string, changes: ToolUpdateInput) => kit.marketplace.tools.update(id, changes),
  submit: (kit: KitClient, id: string) => kit.marketplace.tools.submit(id),
  /** My proposed changes to live tools and the admins' decisions, newest first. */
  revisions: (kit: KitClient, q: PageQuery & { status?: ToolRevisionStatus }) => kit.marketplace.tools.revisions(q),
  withdrawRevision: (kit: KitClient, id: string) => kit.marketplace.tools.withdrawRevision(id),
};

export const apiKeys = {
  list: (kit: KitClient, q: PageQuery) => kit.marketplace.apiKeys.list(q),
  create: (kit: KitClient, name: string) => kit.marketplace.apiKeys.create({ name }),
  revoke: (kit: KitClient, id: string) => kit.marketplace.apiKeys.revoke(id),
};

export const revenue = {
  stats: (kit: KitClient, from?: string, to?: string) => kit.marketplace.revenue.stats({ ...(from ? { from } : {}), ...(to ? { to } : {}) }),
  payouts: (kit: KitClient, q: PageQuery) => kit.marketplace.payouts.list(q),
  requestPayout: (kit: KitClient, amount: number, idempotencyKey: string) => kit.marketplace.payouts.request({ amount }, { idempotencyKey }),
};
