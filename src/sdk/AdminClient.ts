/**
 * `kit.admin`: every capability of platform staff, one namespace per concern. Each call is checked by
 * the database against the caller's role; non-admins get `forbidden`, signed-out callers `unauthorized`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { AdminAccountsClient } from './AdminAccountsClient.ts';
import { AdminAuditClient } from './AdminAuditClient.ts';
import { AdminContentClient } from './AdminContentClient.ts';
import { AdminFeedbackClient } from './AdminFeedbackClient.ts';
import { AdminJobsClient } from './AdminJobsClient.ts';
import { AdminProfilesClient } from './AdminProfilesClient.ts';
import { AdminSupportClient } from './AdminSupportClient.ts';
import { AdminPayoutsClient } from './AdminPayoutsClient.ts';
import { AdminRefundsClient } from './AdminRefundsClient.ts';
import { AdminToolsClient } from './AdminToolsClient.ts';
import { AdminUsersClient } from './AdminUsersClient.ts';
import { AdminWaitlistClient } from './AdminWaitlistClient.ts';
import { AdminWalletClient } from './AdminWalletClient.ts';
import type { Database } from './database.types.ts';
import { PaymentsAdminClient } from './PaymentsClient.ts';
import { VouchersAdminClient } from './VouchersClient.ts';

export class AdminClient {
  /** List, create (admins), set roles, ban and unban users. */
  readonly users: AdminUsersClient;
  /** Read, export and prune the waitlist. */
  readonly waitlist: AdminWaitlistClient;
  /** The append-only log of privileged actions. */
  readonly audit: AdminAuditClient;
  /** The business accounts' approval queue and decisions. */
  readonly accounts: AdminAccountsClient;
  /** Voucher types, every voucher, grants, deactivation, the analytics dashboard. */
  readonly vouchers: VouchersAdminClient;
  /** Every payment, refunds through Stripe, points debts. */
  readonly payments: PaymentsAdminClient;
  /** Decisions about marketplace tools and their revisions. */
  readonly tools: AdminToolsClient;
  /** Decisions about creators' payout requests. */
  readonly payouts: AdminPayoutsClient;
  /** Decisions about refund requests. */
  readonly refunds: AdminRefundsClient;
  /** Any user's balance; adding and deducting points. */
  readonly wallet: AdminWalletClient;
  /** Ticket status, priority, assignment and closing. */
  readonly support: AdminSupportClient;
  /** Writing, publishing and deleting site pages and announcements. */
  readonly content: AdminContentClient;
  /** Every background job: list, enqueue, cancel. */
  readonly jobs: AdminJobsClient;
  /** Any user's profile. */
  readonly profiles: AdminProfilesClient;
  /** Moderation of tool reviews. */
  readonly feedback: AdminFeedbackClient;

  constructor(supabase: SupabaseClient<Database>) {
    this.users = new AdminUsersClient(supabase);
    this.waitlist = new AdminWaitlistClient(supabase);
    this.audit = new AdminAuditClient(supabase);
    this.accounts = new AdminAccountsClient(supabase);
    this.vouchers = new VouchersAdminClient(supabase);
    this.payments = new PaymentsAdminClient(supabase);
    this.tools = new AdminToolsClient(supabase);
    this.payouts = new AdminPayoutsClient(supabase);
    this.refunds = new AdminRefundsClient(supabase);
    this.wallet = new AdminWalletClient(supabase);
    this.support = new AdminSupportClient(supabase);
    this.content = new AdminContentClient(supabase);
    this.jobs = new AdminJobsClient(supabase);
    this.profiles = new AdminProfilesClient(supabase);
    this.feedback = new AdminFeedbackClient(supabase);
  }
}
