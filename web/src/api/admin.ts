/**
 * The platform admin's SDK calls (`kit.admin.*`, plus the few admin sides still on other namespaces).
 * Money decisions take the intent's idempotency key.
 */
import type {
  AccountStatus,
  ContentCreateInput,
  ContentKind,
  ContentUpdateInput,
  JobStatus,
  PayoutStatus,
  KitClient,
  PageQuery,
  PlatformRole,
  PointsPackageCreateInput,
  TicketPriority,
  TicketStatus,
  ToolRevisionDecision,
  ToolRevisionStatus,
  VoucherTypeChanges,
  VoucherTypeInput,
} from '@kit/sdk';

export const approvals = {
  accounts: (kit: KitClient, q: PageQuery & { status?: AccountStatus }) => kit.admin.accounts.list(q),
  approveAccount: (kit: KitClient, id: string, key: string) => kit.admin.accounts.approve(id, {}, { idempotencyKey: key }),
  rejectAccount: (kit: KitClient, id: string, reason: string, key: string) => kit.admin.accounts.reject(id, { reason }, { idempotencyKey: key }),
  /** Tools waiting for review, oldest submission first. */
  pendingTools: (kit: KitClient, q: PageQuery) => kit.admin.tools.list({ ...q, status: 'pending_review' }),
  reviewTool: (kit: KitClient, id: string, decision: 'approve' | 'reject', key: string) =>
    kit.admin.tools.review(id, { decision, ...(decision === 'reject' ? { note: 'Rejected in the admin console' } : {}) }, { idempotencyKey: key }),
};

/** Tool revisions: a creator's changes to a live tool, waiting for an admin's decision. */
export const revisions = {
  list: (kit: KitClient, q: PageQuery & { status?: ToolRevisionStatus }) => kit.marketplace.tools.revisions(q),
  review: (kit: KitClient, id: string, decision: ToolRevisionDecision, note: string | undefined, key: string) =>
    kit.admin.tools.reviewRevision(id, { decision, ...(note ? { note } : {}) }, { idempotencyKey: key }),
};

/**
 * Support tickets: admins read every ticket through `kit.support`, reply there, and close, assign and
 * prioritise through `kit.admin.support`.
 */
export const support = {
  list: (kit: KitClient, q: PageQuery & { status?: TicketStatus }) => kit.support.list(q),
  get: (kit: KitClient, id: string) => kit.support.get(id),
  reply: (kit: KitClient, id: string, body: string, key: string) => kit.support.reply(id, { body }, { idempotencyKey: key }),
  close: (kit: KitClient, id: string) => kit.admin.support.close(id),
  reopen: (kit: KitClient, id: string) => kit.admin.support.update(id, { status: 'open' }),
  /** Assigns the ticket to an admin, or unassigns it with null. */
  assign: (kit: KitClient, id: string, adminId: string | null) => kit.admin.support.assign(id, { assigned_to: adminId }),
  setPriority: (kit: KitClient, id: string, priority: TicketPriority) => kit.admin.support.update(id, { priority }),
  /** The platform admins a ticket can be assigned to. */
  admins: (kit: KitClient) => kit.admin.users.list({ role: 'admin', per_page: 100 }),
};

/** Site pages and announcements: drafts included (`published_only: false`). */
export const siteContent = {
  list: (kit: KitClient, q: PageQuery & { kind?: ContentKind }) => kit.content.list({ ...q, published_only: false }),
  create: (kit: KitClient, input: ContentCreateInput, key: string) => kit.admin.content.create(input, { idempotencyKey: key }),
  update: (kit: KitClient, id: string, changes: ContentUpdateInput) => kit.admin.content.update(id, changes),
  remove: (kit: KitClient, id: string) => kit.admin.content.remove(id),
};

export const payouts = {
  list: (kit: KitClient, q: PageQuery & { status?: PayoutStatus }) => kit.marketplace.payouts.list(q),
  approve: (kit: KitClient, id: string, key: string) => kit.admin.payouts.approve(id, {}, { idempotencyKey: key }),
  reject: (kit: KitClient, id: string, reason: string, key: string) => kit.admin.payouts.reject(id, { reason }, { idempotencyKey: key }),
  markPaid: (kit: KitClient, id: string, key: string) => kit.admin.payouts.markPaid(id, {}, { idempotencyKey: key }),
};

export const refunds = {
  list: (kit: KitClient, q: PageQuery) => kit.marketplace.refunds.list({ ...q, status: 'requested' }),
  approve: (kit: KitClient, id: string, key: string) => kit.admin.refunds.approve(id, {}, { idempotencyKey: key }),
  reject: (kit: KitClient, id: string, note: string, key: string) => kit.admin.refunds.reject(id, { note }, { idempotencyKey: key }),
};

export const points = {
  adjust: (kit: KitClient, userId: string, amount: number, reason: string, key: string) => kit.admin.wallet.adjust({ user_id: userId, amount, reason }, { idempotencyKey: key }),
  balanceOf: (kit: KitClient, userId: string) => kit.admin.wallet.balanceOf(userId),
};

export const catalog = {
  voucherTypes: (kit: KitClient, q: PageQuery) => kit.admin.vouchers.types(q),
  createVoucherType: (kit: KitClient, input: VoucherTypeInput) => kit.admin.vouchers.createType(input),
  updateVoucherType: (kit: KitClient, id: string, changes: VoucherTypeChanges) => kit.admin.vouchers.updateType(id, changes),
  /** Deactivates one voucher (it can no longer be redeemed); one intent, one key. */
  deactivateVoucher: (kit: KitClient, id: string, reason: string, key: string) => kit.admin.vouchers.deactivate(id, { reason }, { idempotencyKey: key }),
  /** Gives a user a voucher without payment; the intent's key makes a double click grant one. */
  grantVoucher: (kit: KitClient, userId: string, voucherTypeId: string, key: string) => kit.admin.vouchers.grant(userId, voucherTypeId, { idempotencyKey: key }),
  vouchersOf: (kit: KitClient, userId: string, q: PageQuery) => kit.admin.vouchers.list({ ...q, owner_id: userId }),
  pointsPackages: (kit: KitClient, q: PageQuery) => kit.admin.pointsPackages.list(q),
  createPointsPackage: (kit: KitClient, input: PointsPackageCreateInput) => kit.admin.pointsPackages.create(input),
  deactivatePointsPackage: (kit: KitClient, id: string) => kit.admin.pointsPackages.deactivate(id),
};

export const users = {
  list: (kit: KitClient, q: PageQuery & { search?: string; role?: PlatformRole }) => kit.admin.users.list(q),
  setRole: (kit: KitClient, id: string, role: PlatformRole, key: string) => kit.admin.users.setRole(id, { role }, { idempotencyKey: key }),
  ban: (kit: KitClient, id: string, key: string) => kit.admin.users.ban(id, { idempotencyKey: key }),
  unban: (kit: KitClient, id: string, key: string) => kit.admin.users.unban(id, { idempotencyKey: key }),
  remove: (kit: KitClient, id: string, key: string) => kit.userData.deleteUser(id, { idempotencyKey: key }),
};

export const operations = {
  audit: (kit: KitClient, q: PageQuery & { action?: string }) => kit.admin.audit.list(q),
  jobs: (kit: KitClient, q: PageQuery & { type?: string; status?: JobStatus }) => kit.jobs.list(q),
  health: (kit: KitClient) => kit.system.health(),
  /** The platform's metrics, parsed: the metrics function answers a signed-in platform admin. */
  metrics: (kit: KitClient) => kit.system.metrics(),
  dashboard: (kit: KitClient, from: string, to: string) => kit.admin.vouchers.dashboard({ from, to }),
};
