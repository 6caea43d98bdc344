/**
 * `kit.crm`: the multi-tenant CRM of the current business account (seed 002) — its clients (the
 * business's customers; tables `crm_*`, not the marketplace's *client* users), packages, client
 * packages, payments, instalments, Stripe customer links and statistics. Every call is scoped to one
 * account and goes through PostgREST under row-level security:
 * - clients and client packages: all with `view_all_clients`, otherwise only "my clients" (assigned as
 *   coach, closer or setter); written with `manage_all_clients` / `manage_packages`;
 * - packages: read by every member, written by owners and admins;
 * - payments, instalments, Stripe links: read with `view_payments` (for the clients you see), written
 *   with `manage_payments`. Owners and admins hold every permission.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import {
  crmClientCreateSchema,
  crmClientPackageCreateSchema,
  crmRangeSchema,
  crmClientPackageUpdateSchema,
  crmClientUpdateSchema,
  crmInstalmentCreateSchema,
  crmInstalmentUpdateSchema,
  crmPackageCreateSchema,
  crmPackageUpdateSchema,
  crmPaymentCreateSchema,
  crmPaymentUpdateSchema,
  crmStripeCustomerCreateSchema,
  crmStripeCustomerUpdateSchema,
  type CrmClientCreateInput,
  type CrmClientPackageCreateInput,
  type CrmClientPackageUpdateInput,
  type CrmClientUpdateInput,
  type CrmInstalmentCreateInput,
  type CrmInstalmentUpdateInput,
  type CrmPackageCreateInput,
  type CrmPackageUpdateInput,
  type CrmPaymentCreateInput,
  type CrmPaymentUpdateInput,
  type CrmRange,
  type CrmStripeCustomerCreateInput,
  type CrmStripeCustomerUpdateInput,
} from '../../supabase/functions/_shared/schemas/crm.ts';
import type { AccountContext } from './AccountContext.ts';
import { likePattern } from './AccountMembersClient.ts';
import { CrmResource, type FilterQuery } from './CrmResource.ts';
import type { Database, Enums, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, type RpcErrorCodes, type AccountChoiceErrorCode } from './errors.ts';
import { dayRange } from './money.ts';
import { parseInput } from './validation.ts';

export type {
  CrmClientCreateInput,
  CrmClientPackageCreateInput,
  CrmClientPackageUpdateInput,
  CrmClientUpdateInput,
  CrmInstalmentCreateInput,
  CrmInstalmentUpdateInput,
  CrmPackageCreateInput,
  CrmPackageUpdateInput,
  CrmPaymentCreateInput,
  CrmPaymentUpdateInput,
  CrmRange,
  CrmStripeCustomerCreateInput,
  CrmStripeCustomerUpdateInput,
};
export type { CrmResource } from './CrmResource.ts';

/** A `crm_clients` row: a customer of the business (not an SDK client, not a marketplace client user). */
export type CrmClientRecord = Tables<'crm_clients'>;
export type CrmPackage = Tables<'crm_packages'>;
export type CrmClientPackage = Tables<'crm_client_packages'>;
export type CrmPayment = Tables<'crm_payments'>;
export type CrmInstalment = Tables<'crm_instalments'>;
export type CrmStripeCustomer = Tables<'crm_stripe_customers'>;
export type CrmClientStatus = Enums<'crm_client_status'>;
export type CrmPaymentStatus = Enums<'crm_payment_status'>;
export type CrmInstalmentStatus = Enums<'crm_instalment_status'>;

/** One value or several (an `in` filter). */
type OneOrMany<T> = T | T[];

const applyOneOrMany = (query: FilterQuery, column: string, value: unknown): FilterQuery =>
  value === undefined ? query : Array.isArray(value) ? query.in(column, value) : query.eq(column, value);

/** Client list filters (seed 002's `/clients/` query parameters). */
export interface CrmClientFilters {
  status?: OneOrMany<CrmClientStatus>;
  coach_id?: string;
  closer_id?: string;
  setter_id?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  /** Part of the first name, last name or e-mail, any case. */
  search?: string;
  /** Only clients assigned to you as coach, closer or setter ("my clients"). */
  assigned_to_me?: boolean;
}
export type CrmClientSort = 'name' | '-name' | 'created_at' | '-created_at' | 'status';

export interface CrmPackageFilters {
  is_active?: boolean;
}
export type CrmPackageSort = 'name' | '-created_at';

export interface CrmClientPackageFilters {
  client_id?: string;
  package_id?: string;
  status?: OneOrMany<Enums<'crm_client_package_status'>>;
  payment_schedule?: OneOrMany<Enums<'crm_payment_schedule'>>;
}
export type CrmClientPackageSort = '-start_date' | 'start_date' | '-created_at';

export interface CrmPaymentFilters {
  client_id?: string;
  client_package_id?: string;
  status?: OneOrMany<CrmPaymentStatus>;
  /** ISO 4217 (either case; stored lower case). */
  currency?: string;
  /** Paid on or after (inclusive): a date or a date-time; a payment's date counts as midnight UTC. */
  from?: string;
  /** Paid before (exclusive): a date or a date-time. */
  to?: string;
}
export type CrmPaymentSort = '-payment_date' | 'payment_date' | '-amount' | 'amount';

export interface CrmInstalmentFilters {
  client_id?: string;
  client_package_id?: string;
  status?: OneOrMany<CrmInstalmentStatus>;
  /** Scheduled on or after (inclusive): a date or a date-time; a schedule date counts as midnight UTC. */
  from?: string;
  /** Scheduled before (exclusive): a date or a date-time. */
  to?: string;
}
export type CrmInstalmentSort = 'schedule_date' | '-schedule_date' | 'instalment_number';

export interface CrmStripeCustomerFilters {
  client_id?: string;
  status?: Enums<'crm_stripe_customer_status'>;
}
export type CrmStripeCustomerSort = '-created_at';

/** Client counts by status (`crm_client_statistics`). */
export type CrmClientStatistics = Database['public']['Functions']['crm_client_statistics']['Returns'][number];

/** Payment totals (`crm_payment_statistics`): one row per status and currency, plus per-currency sums. */
export interface CrmPaymentStatistics {
  rows: Database['public']['Functions']['crm_payment_statistics']['Returns'];
  /**
   * Payment count and amounts (minor units) per lower-case currency over all statuses (amounts never
   * mix currencies); format them with `formatMoney(amount, currency)`.
   */
  by_currency: Record<string, { payments: number; total_amount: number; paid_amount: number }>;
  total_payments: number;
}

/** `kit.crm.statistics`: counts computed in the database, under the caller's RLS. */
export class CrmStatistics {
  constructor(
    private readonly supabase: SupabaseClient<Database>,
    private readonly context: AccountContext,
  ) {}

  /**
   * Clients of the current account by status (only "my clients" without `view_all_clients`).
   *
   * @example
   * const { data, error } = await kit.crm.statistics.clients();
   * console.log(`${data?.active} of ${data?.total} clients are active`);
   */
  clients(query?: { account_id?: string }): Promise<Result<CrmClientStatistics, RpcErrorCodes['crm_client_statistics'] | AccountChoiceErrorCode>>;
  async clients(query: { account_id?: string } = {}): Promise<Result<CrmClientStatistics>> {
    const account = await this.context.resolve(query.account_id);
    if (account.error) return account;
    const { data, error, status } = await this.supabase.rpc('crm_client_statistics', { account_id: account.data }).single();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }

  /**
   * Payments of the current account by status and currency, optionally in a range (`from` inclusive,
   * `to` exclusive; dates or date-times). Amounts are minor units.
   *
   * @example
   * const { data, error } = await kit.crm.statistics.payments({ from: '2026-01-01', to: '2026-02-01' });
   * const usd = data?.by_currency.usd;
   * if (usd) console.log(formatMoney(usd.paid_amount, 'usd', 'en-US')); // "$1,234.50"
   */
  payments(query?: CrmRange & { account_id?: string }): Promise<Result<CrmPaymentStatistics, RpcErrorCodes['crm_payment_statistics'] | AccountChoiceErrorCode>>;
  async payments(query: CrmRange & { account_id?: string } = {}): Promise<Result<CrmPaymentStatistics>> {
    const { account_id, ...range } = query;
    const parsed = parseInput(crmRangeSchema, range);
    if (parsed.error) return { data: null, error: parsed.error };
    const account = await this.context.resolve(account_id);
    if (account.error) return account;
    const { data, error, status } = await this.supabase.rpc('crm_payment_statistics', {
      account_id: account.data,
      ...(parsed.data.from ? { from: parsed.data.from } : {}),
      ...(parsed.data.to ? { to: parsed.data.to } : {}),
    });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    const rows = data;
    const byCurrency: CrmPaymentStatistics['by_currency'] = {};
    for (const row of rows) {
      const sums = (byCurrency[row.currency] ??= { payments: 0, total_amount: 0, paid_amount: 0 });
      sums.payments += row.payments;
      sums.total_amount += row.total_amount;
      if (row.status === 'paid') sums.paid_amount += row.total_amount;
    }
    return { data: { rows, by_currency: byCurrency, total_payments: rows.reduce((n, r) => n + r.payments, 0) }, error: null };
  }
}

export class CrmClient {
  /** The business's clients ("my clients" without view_all_clients). */
  readonly clients: CrmResource<'crm_clients', CrmClientFilters, CrmClientCreateInput, CrmClientUpdateInput, CrmClientSort>;
  /** The package catalogue (owners and admins write). */
  readonly packages: CrmResource<'crm_packages', CrmPackageFilters, CrmPackageCreateInput, CrmPackageUpdateInput, CrmPackageSort>;
  /** Packages bought by clients (manage_packages writes). */
  readonly clientPackages: CrmResource<'crm_client_packages', CrmClientPackageFilters, CrmClientPackageCreateInput, CrmClientPackageUpdateInput, CrmClientPackageSort>;
  /** Payments (view_payments reads, manage_payments writes). */
  readonly payments: CrmResource<'crm_payments', CrmPaymentFilters, CrmPaymentCreateInput, CrmPaymentUpdateInput, CrmPaymentSort>;
  /** Scheduled instalments (view_payments reads, manage_payments writes). */
  readonly instalments: CrmResource<'crm_instalments', CrmInstalmentFilters, CrmInstalmentCreateInput, CrmInstalmentUpdateInput, CrmInstalmentSort>;
  /** Links from clients to Stripe customers (view_payments reads, manage_payments writes). */
  readonly stripeCustomers: CrmResource<'crm_stripe_customers', CrmStripeCustomerFilters, CrmStripeCustomerCreateInput, CrmStripeCustomerUpdateInput, CrmStripeCustomerSort>;
  /** Client counts by status; payment totals by status and currency. */
  readonly statistics: CrmStatistics;

  constructor(supabase: SupabaseClient<Database>, context: AccountContext) {
    this.clients = new CrmResource(supabase, context, {
      table: 'crm_clients',
      noun: 'client',
      createSchema: crmClientCreateSchema,
      updateSchema: crmClientUpdateSchema,
      sorts: {
        name: [
          ['last_name', true],
          ['first_name', true],
        ],
        '-name': [
          ['last_name', false],
          ['first_name', false],
        ],
        created_at: [['seq', true]],
        '-created_at': [['seq', false]],
        status: [
          ['status', true],
          ['last_name', true],
          ['first_name', true],
        ],
      },
      defaultSort: 'name',
      needsMe: (f) => f.assigned_to_me === true,
      filter: (query, f, me) => {
        let q = applyOneOrMany(query, 'status', f.status);
        if (f.coach_id) q = q.eq('coach_id', f.coach_id);
        if (f.closer_id) q = q.eq('closer_id', f.closer_id);
        if (f.setter_id) q = q.eq('setter_id', f.setter_id);
        if (f.country) q = q.eq('country', f.country);
        if (f.search?.trim()) q = q.ilike('search_text', likePattern(f.search.trim().toLowerCase()));
        if (f.assigned_to_me) q = q.or(`coach_id.eq.${me},closer_id.eq.${me},setter_id.eq.${me}`);
        return q;
      },
    });
    this.packages = new CrmResource(supabase, context, {
      table: 'crm_packages',
      noun: 'package',
      createSchema: crmPackageCreateSchema,
      updateSchema: crmPackageUpdateSchema,
      sorts: { name: [['name', true]], '-created_at': [['seq', false]] },
      defaultSort: 'name',
      filter: (query, f) => (f.is_active === undefined ? query : query.eq('is_active', f.is_active)),
    });
    this.clientPackages = new CrmResource(supabase, context, {
      table: 'crm_client_packages',
      noun: 'client package',
      createSchema: crmClientPackageCreateSchema,
      updateSchema: crmClientPackageUpdateSchema,
      sorts: { '-start_date': [['start_date', false]], start_date: [['start_date', true]], '-created_at': [['seq', false]] },
      defaultSort: '-start_date',
      filter: (query, f) => {
        let q = applyOneOrMany(query, 'status', f.status);
        q = applyOneOrMany(q, 'payment_schedule', f.payment_schedule);
        if (f.client_id) q = q.eq('client_id', f.client_id);
        if (f.package_id) q = q.eq('package_id', f.package_id);
        return q;
      },
    });
    this.payments = new CrmResource(supabase, context, {
      table: 'crm_payments',
      noun: 'payment',
      createSchema: crmPaymentCreateSchema,
      updateSchema: crmPaymentUpdateSchema,
      sorts: {
        '-payment_date': [['payment_date', false]],
        payment_date: [['payment_date', true]],
        '-amount': [['amount', false]],
        amount: [['amount', true]],
      },
      defaultSort: '-payment_date',
      filter: (query, f) => {
        let q = applyOneOrMany(query, 'status', f.status);
        if (f.client_id) q = q.eq('client_id', f.client_id);
        if (f.client_package_id) q = q.eq('client_package_id', f.client_package_id);
        if (f.currency) q = q.eq('currency', f.currency.toLowerCase());
        const days = dayRange(f);
        if (days.from) q = q.gte('payment_date', days.from);
        if (days.to) q = q.lt('payment_date', days.to);
        return q;
      },
    });
    this.instalments = new CrmResource(supabase, context, {
      table: 'crm_instalments',
      noun: 'instalment',
      createSchema: crmInstalmentCreateSchema,
      updateSchema: crmInstalmentUpdateSchema,
      sorts: {
        schedule_date: [['schedule_date', true]],
        '-schedule_date': [['schedule_date', false]],
        instalment_number: [['instalment_number', true]],
      },
      defaultSort: 'schedule_date',
      filter: (query, f) => {
        let q = applyOneOrMany(query, 'status', f.status);
        if (f.client_id) q = q.eq('client_id', f.client_id);
        if (f.client_package_id) q = q.eq('client_package_id', f.client_package_id);
        const days = dayRange(f);
        if (days.from) q = q.gte('schedule_date', days.from);
        if (days.to) q = q.lt('schedule_date', days.to);
        return q;
      },
    });
    this.stripeCustomers = new CrmResource(supabase, context, {
      table: 'crm_stripe_customers',
      noun: 'Stripe customer link',
      createSchema: crmStripeCustomerCreateSchema,
      updateSchema: crmStripeCustomerUpdateSchema,
      sorts: { '-created_at': [['seq', false]] },
      defaultSort: '-created_at',
      filter: (query, f) => {
        let q = query;
        if (f.client_id) q = q.eq('client_id', f.client_id);
        if (f.status) q = q.eq('status', f.status);
        return q;
      },
    });
    this.statistics = new CrmStatistics(supabase, context);
  }
}
