/**
 * The backend kit's typed SDK: one `createClient` that composes a namespace per concern over
 * `@supabase/supabase-js`. Every method returns `{ data, error }` with a typed `SdkError`.
 */
import { createClient as createSupabaseClient, type SupabaseClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import { AccountContext } from './AccountContext.ts';
import { AccountsClient } from './AccountsClient.ts';
import { AdminClient } from './AdminClient.ts';
import { AdminPointsPackagesClient } from './AdminPointsPackagesClient.ts';
import { AuthClient } from './AuthClient.ts';
import { ContentClient } from './ContentClient.ts';
import { CrmClient } from './CrmClient.ts';
import { JobsClient } from './JobsClient.ts';
import type { Database } from './database.types.ts';
import { MarketplaceClient } from './MarketplaceClient.ts';
import { MediaClient } from './MediaClient.ts';
import { PaymentsClient } from './PaymentsClient.ts';
import { BillingClient } from './BillingClient.ts';
import { ProfilesClient } from './ProfilesClient.ts';
import { StaffClient } from './StaffClient.ts';
import { TasksClient } from './TasksClient.ts';
import { SupportClient } from './SupportClient.ts';
import { SystemClient } from './SystemClient.ts';
import { UserDataClient } from './UserDataClient.ts';
import { VouchersClient } from './VouchersClient.ts';
import { WalletClient } from './WalletClient.ts';
import { DEFAULT_MAX_NETWORK_RETRIES, retryingFetch } from './retries.ts';

export * from './errors.ts';
export type { Database, Json } from './database.types.ts';
export type { Health, Metrics, MetricSample } from './SystemClient.ts';
export { parsePrometheus } from './SystemClient.ts';
export { currencyExponent, formatMoney } from './money.ts';
export type { Job, JobCancelErrorCode, JobEnqueueInput, JobGetErrorCode, JobListErrorCode, JobListQuery, JobStatus, JobType } from './JobsClient.ts';
export type { JobEnqueueErrorCode } from './AdminJobsClient.ts';
export type { AuditEntry, AuditQuery } from './AdminAuditClient.ts';
export { JobsClient } from './JobsClient.ts';
export { AdminAuditClient } from './AdminAuditClient.ts';
export type {
  ChangePasswordInput,
  NewPasswordInput,
  PasswordResetRequestInput,
  RegisteredUser,
  Registration,
  RegistrationInput,
  RegisterOptions,
  SignedIn,
  WaitlistJoinInput,
} from './AuthClient.ts';
export type { Device } from './DevicesClient.ts';
export type { NotificationPreferences, PlatformRole, Profile, ProfileUpdateInput } from './ProfilesClient.ts';
export type { AdminRegistrationInput, AdminUser, UserListQuery } from './AdminUsersClient.ts';
export type { WaitlistEntry } from './AdminWaitlistClient.ts';
export type { AccountReviewQuery } from './AdminAccountsClient.ts';
export { AdminAccountsClient } from './AdminAccountsClient.ts';
export { AdminToolsClient } from './AdminToolsClient.ts';
export { AdminPayoutsClient } from './AdminPayoutsClient.ts';
export { AdminRefundsClient } from './AdminRefundsClient.ts';
export { AdminWalletClient } from './AdminWalletClient.ts';
export { AdminContentClient } from './AdminContentClient.ts';
export { AdminFeedbackClient } from './AdminFeedbackClient.ts';
export { AdminJobsClient } from './AdminJobsClient.ts';
export { AdminProfilesClient } from './AdminProfilesClient.ts';
export { AdminSupportClient } from './AdminSupportClient.ts';
export type { MutationOptions } from './functions.ts';
export type { ValidationDetails } from './validation.ts';
export { AdminClient } from './AdminClient.ts';
export { AdminUsersClient } from './AdminUsersClient.ts';
export { AdminWaitlistClient } from './AdminWaitlistClient.ts';
export { AuthClient } from './AuthClient.ts';
export { DevicesClient } from './DevicesClient.ts';
export { ProfilesClient } from './ProfilesClient.ts';
export { SystemClient } from './SystemClient.ts';
export { UserDataClient } from './UserDataClient.ts';
export type { DataExport, DeleteAccountInput } from './UserDataClient.ts';
export type {
  DateRangeInput,
  Redemption,
  RedeemVoucherInput,
  Voucher,
  VoucherDashboard,
  VoucherDetails,
  VoucherRedemption,
  VoucherStats,
  VoucherType,
  VoucherTypeChanges,
  VoucherTypeInput,
  VoucherListQuery,
} from './VouchersClient.ts';
export type {
  ConfirmedPayment,
  CreatedPayment,
  CreatePaymentInput,
  Payment,
  PaymentDispute,
  PaymentFilters,
  PaymentListQuery,
  PaymentPurpose,
  PaymentStatus,
  PointsDebt,
  PointsPackage,
  RefundPaymentInput,
} from './PaymentsClient.ts';
export { PaymentsAdminClient, PaymentsClient } from './PaymentsClient.ts';
export { BillingClient } from './BillingClient.ts';
export type * from './BillingClient.ts';
export { VouchersAdminClient, VouchersClient } from './VouchersClient.ts';
export type {
  Account,
  AccountCreateForOwnerErrorCode,
  AccountDetailsUpdate,
  AccountGetErrorCode,
  AccountRegisterErrorCode,
  AccountResolveErrorCode,
  AccountReviewInput,
  AccountStatus,
  AccountUseErrorCode,
  BusinessCreated,
  BusinessCreationInput,
  BusinessOwnerInput,
  BusinessRegistrationInput,
  MyAccount,
  ReviewDecision,
  ReviewResult,
} from './AccountsClient.ts';
export type { AccountPermission, AccountRole, Member, MemberAccessUpdate, MemberInviteInput, MemberListQuery, MemberProfileUpdate } from './AccountMembersClient.ts';
export type { BatchRowResult, BatchRowStatus, MemberBatch, MemberBatchInput, MemberBatchResult, NewMemberInput } from './AccountBatchesClient.ts';
export type {
  CrmClientCreateInput,
  CrmClientFilters,
  CrmClientPackage,
  CrmClientPackageCreateInput,
  CrmClientPackageFilters,
  CrmClientPackageUpdateInput,
  CrmClientRecord,
  CrmClientSort,
  CrmClientStatistics,
  CrmClientStatus,
  CrmClientUpdateInput,
  CrmInstalment,
  CrmInstalmentCreateInput,
  CrmInstalmentFilters,
  CrmInstalmentStatus,
  CrmInstalmentUpdateInput,
  CrmPackage,
  CrmPackageCreateInput,
  CrmPackageFilters,
  CrmPackageUpdateInput,
  CrmPayment,
  CrmPaymentCreateInput,
  CrmPaymentFilters,
  CrmPaymentStatistics,
  CrmPaymentStatus,
  CrmPaymentUpdateInput,
  CrmRange,
  CrmStripeCustomer,
  CrmStripeCustomerCreateInput,
  CrmStripeCustomerFilters,
  CrmStripeCustomerUpdateInput,
} from './CrmClient.ts';
export type { CrmTable, ListQuery } from './CrmResource.ts';
export type { Page, PageQuery, PageRequest } from './pages.ts';
export { AccountBatchesClient, MAX_BATCH_SIZE } from './AccountBatchesClient.ts';
export { AccountMembersClient } from './AccountMembersClient.ts';
export { AccountsClient } from './AccountsClient.ts';
export { CrmClient, CrmStatistics } from './CrmClient.ts';
export { CrmResource } from './CrmResource.ts';
export type { AdjustPointsInput, HistoryQuery, Wallet, WalletEntry, WalletEntryKind } from './WalletClient.ts';
export type {
  Tool,
  ToolCreateInput,
  ToolDecision,
  ToolQuery,
  ToolRevision,
  ToolRevisionDecision,
  ToolRevisionQuery,
  ToolRevisionStatus,
  ToolSort,
  ToolStatus,
  ToolUpdateInput,
} from './ToolsClient.ts';
export type { ApiKeyInput, ToolUse, Usage, UsageGetErrorCode, UsageQuery, UsageStatus, UsageUseErrorCode, UsageVerifyErrorCode, VerifiedUsage } from './UsageClient.ts';
export type { ApiKey, ApiKeyCreateErrorCode, ApiKeyCreateInput, ApiKeyRevokeErrorCode, NewApiKey } from './ApiKeysClient.ts';
export type { RevenueApiKeyQuery, RevenueQuery, RevenueStats, RevenueStatsErrorCode, RevenueStatsWithApiKeyErrorCode } from './RevenueClient.ts';
export type { Payout, PayoutDecision, PayoutQuery, PayoutRequestInput, PayoutStatus } from './PayoutsClient.ts';
export type { FeedbackInput, Review } from './FeedbackClient.ts';
export type { Refund, RefundQuery, RefundRequestInput, RefundStatus } from './RefundsClient.ts';
export type { SupportMessage, SupportTicket, TicketOpenInput, TicketPriority, TicketQuery, TicketStatus, TicketThread, TicketUpdate } from './SupportClient.ts';
export type { ContentCreateInput, ContentKind, ContentUpdateInput, SiteContent } from './ContentClient.ts';
export { ApiKeysClient } from './ApiKeysClient.ts';
export { ContentClient } from './ContentClient.ts';
export { FeedbackClient } from './FeedbackClient.ts';
export { MarketplaceClient } from './MarketplaceClient.ts';
export { MediaClient } from './MediaClient.ts';
export { AccountFilesClient } from './AccountFilesClient.ts';
export type { StoredFile, UploadedFile } from './StorageFolder.ts';
export { PayoutsClient } from './PayoutsClient.ts';
export { RefundsClient } from './RefundsClient.ts';
export { RevenueClient } from './RevenueClient.ts';
export { SupportClient } from './SupportClient.ts';
export { ToolsClient } from './ToolsClient.ts';
export { UsageClient } from './UsageClient.ts';
export { WalletClient } from './WalletClient.ts';
export { StaffClient } from './StaffClient.ts';
export { TasksClient } from './TasksClient.ts';
export type { CeleryStatus, Task, TaskGetErrorCode, TaskInput, TaskSubmitErrorCode, TaskWaitErrorCode } from './TasksClient.ts';
export { AdminPointsPackagesClient } from './AdminPointsPackagesClient.ts';
export type { AdminPointsPackage, PointsPackageCreateInput, PointsPackageUpdateInput } from './AdminPointsPackagesClient.ts';
export type { AssignmentHistoryEntry, AssignmentsOnRemoval, EmployeeCreateInput, MemberPasswordInput, MemberRemoval } from './StaffClient.ts';

export interface KitClient {
  /** The underlying supabase-js client, typed with the generated `Database` (its `auth` is the raw Auth client). */
  supabase: SupabaseClient<Database>;
  /** Registration, sign-in, sessions, passwords, role in the token, devices, waitlist. */
  auth: AuthClient;
  /** Your profile (and, for admins, anyone's). */
  profiles: ProfilesClient;
  /** Every capability of platform staff: users, waitlist, audit, accounts, vouchers, payments, tools, payouts, refunds, wallet, points packages. */
  admin: AdminClient & {
    /** Points packages (top-ups): list all, create, update, deactivate, delete unsold ones. */
    pointsPackages: AdminPointsPackagesClient;
  };
  system: SystemClient;
  /** Voucher types, your vouchers, redemption, usage history, stats; admins: types, grants, dashboard. */
  vouchers: VouchersClient;
  /** Stripe payments for vouchers and points top-ups; history; admins: every payment, refunds. */
  payments: PaymentsClient;
  /** Subscriptions (Stripe Billing): plans, subscribe, change, cancel, resume, portal, your or an account's subscription, entitlements. */
  billing: BillingClient;
  /** Business accounts: who am I here, the current account, registration and review, members, batches. */
  accounts: AccountsClient;
  /** The current account's CRM: clients, packages, client packages, payments, instalments, Stripe links, statistics. */
  crm: CrmClient;
  /** Your points: balance and history; admins: add or deduct points. */
  wallet: WalletClient;
  /** Tools, usage, API keys, revenue, payouts, feedback, refunds. */
  marketplace: MarketplaceClient;
  /** Support tickets: open and reply; admins: all tickets, assign, status. */
  support: SupportClient;
  /** Site pages and announcements: read what is published; admins write. */
  content: ContentClient;
  /** Background jobs: your jobs' status; admins: all jobs, enqueue, cancel. */
  jobs: JobsClient;
  /** Your private files (Storage bucket `media`): upload, list, signed URLs, remove. The raw client is `supabase.storage`. */
  media: MediaClient;
  /** CRM staff: employees with a password, members' passwords, removal with assignments kept or moved. */
  staff: StaffClient;
  /** Your background tasks (add, process_csv): submit, poll, list. */
  tasks: TasksClient;
  /** Delete your account (admins: anyone's) and export all your data. */
  userData: UserDataClient;
}

/** A WebSocket class: the platform's, or e.g. the `ws` package's on Node 20. */
export type WebSocketClass = new (url: string, protocols?: string | string[]) => unknown;

/** supabase-js's client options; `realtime.transport` takes any WebSocket class (browser, Deno, `ws`). */
export type KitClientOptions = Omit<SupabaseClientOptions<'public'>, 'realtime'> & {
  realtime?: Omit<NonNullable<SupabaseClientOptions<'public'>['realtime']>, 'transport'> & { transport?: WebSocketClass };
  /**
   * Retries after a network failure (no answer) of a request that is safe to repeat: reads and calls
   * with an idempotency key (every mutating SDK call has one). 1 by default; 0 turns retries off.
   */
  maxNetworkRetries?: number;
};

/**
 * Realtime's default transport, resolved when a channel first connects rather than when the client is
 * built: no WebSocket is needed (Node 20 has none) unless realtime is used.
 */
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- realtime builds its transport with `new`; the constructor returns the native socket
class DeferredWebSocket {
  constructor(url: string, protocols?: string | string[]) {
    const Native = (globalThis as { WebSocket?: WebSocketClass }).WebSocket;
    if (!Native) throw new Error('Realtime needs a WebSocket: on Node 20 pass createClient(url, key, { realtime: { transport: WebSocket } }) with WebSocket from "ws"');
    return new Native(url, protocols) as DeferredWebSocket;
  }
}

/**
 * Creates the SDK client.
 *
 * @example
 * const kit = createClient('http://127.0.0.1:54321', 'sb_publishable_…');
 * const { data, error } = await kit.auth.signIn({ email: 'client@example.test', password: 'demo-password-1' });
 * const { data: me } = await kit.profiles.me();
 */
export function createClient(url: string, key: string, options?: KitClientOptions): KitClient {
  const { maxNetworkRetries = DEFAULT_MAX_NETWORK_RETRIES, ...supabaseOptions } = options ?? {};
  const realtime = { ...supabaseOptions.realtime, transport: (supabaseOptions.realtime?.transport ?? DeferredWebSocket) as never };
  const fetchImpl = retryingFetch(supabaseOptions.global?.fetch ?? ((...args) => fetch(...args)), maxNetworkRetries);
  const global = { ...supabaseOptions.global, fetch: fetchImpl };
  const supabase = createSupabaseClient<Database>(url, key, { ...supabaseOptions, realtime, global });
  // One current-account choice shared by `accounts` and `crm`.
  const accountContext = new AccountContext(supabase);
  return {
    supabase,
    auth: new AuthClient(supabase),
    profiles: new ProfilesClient(supabase),
    admin: Object.assign(new AdminClient(supabase), { pointsPackages: new AdminPointsPackagesClient(supabase) }),
    system: new SystemClient(supabase),
    vouchers: new VouchersClient(supabase),
    payments: new PaymentsClient(supabase),
    billing: new BillingClient(supabase),
    accounts: new AccountsClient(supabase, accountContext),
    crm: new CrmClient(supabase, accountContext),
    wallet: new WalletClient(supabase),
    marketplace: new MarketplaceClient(supabase),
    support: new SupportClient(supabase),
    content: new ContentClient(supabase),
    jobs: new JobsClient(supabase),
    media: new MediaClient(supabase),
    staff: new StaffClient(supabase, accountContext),
    tasks: new TasksClient(supabase),
    userData: new UserDataClient(supabase),
  };
}
