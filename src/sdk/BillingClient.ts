/**
 * `kit.billing`: subscriptions with Stripe Billing. User plans credit a monthly points allowance to
 * the wallet on each paid invoice; business plans give an account a seat limit and features (CRM
 * statistics, member batches), enforced by the database. Starting, changing, cancelling and resuming
 * go through the `billing` function, which checks the rules in SQL before calling Stripe; the
 * subscription's state arrives through Stripe's webhook and is read here under row-level security.
 * Without an `accountId` a call is about the signed-in user's own subscription; with one, about that
 * business account's (only its owner may manage it). Errors: `price_not_found`, `price_inactive`,
 * `plan_kind_mismatch`, `already_subscribed`, `subscription_not_found`, `same_plan`, `forbidden`,
 * `payments_not_configured`; in the account's other calls `seat_limit_reached` and `feature_not_in_plan`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import {
  changePlanSchema,
  checkoutSchema,
  portalSchema,
  subscribeSchema,
  subscriberSchema,
  type ChangePlanInput,
  type CheckoutInput,
  type PortalInput,
  type SubscribeInput,
  type SubscriberInput,
} from '../../supabase/functions/_shared/schemas/billing.ts';
import type { Database, Enums, Tables } from './database.types.ts';
import { errorFromPostgrest, type Result, type FunctionErrorCodes, type RpcErrorCodes } from './errors.ts';
import { invokeMutation, type MutationOptions } from './functions.ts';
import { type PageQuery, type PageRequest, paged, pagedFromAll, toPage } from './pages.ts';
import { pageOf } from './postgrest.ts';
import { currentUserId } from './session.ts';
import { checkEnum, checkIds, parseInput } from './validation.ts';

export type { ChangePlanInput, CheckoutInput, PortalInput, SubscribeInput, SubscriberInput };

export type BillingProduct = Tables<'billing_products'>;
export type BillingPrice = Tables<'billing_prices'>;
export type BillingPlanKind = Enums<'billing_plan_kind'>;
export type BillingSubscription = Tables<'billing_subscriptions'>;
export type BillingSubscriptionStatus = Enums<'billing_subscription_status'>;
/** One paid invoice's monthly allowance, credited to the wallet. */
export type AllowanceCredit = Tables<'billing_allowance_credits'>;
/** A plan on sale: a price and its product (kind, allowance or seats and features). */
export type BillingPlan = BillingPrice & { product: BillingProduct };
/** An account's plan now, as its members see it. */
export type BillingEntitlements = Database['public']['Functions']['billing_entitlements']['Returns'][number];

/** Filters of the plan list. */
export interface PlanQuery extends PageQuery {
  kind?: BillingPlanKind;
}

/** What `subscribe` answers. */
export interface StartedSubscription {
  subscription_id: string;
  status: string;
  price_id: string;
  trial_end: number | null;
  /** For Stripe.js (`stripe.confirmPayment({ clientSecret })`) while the first invoice is open; null in a trial. */
  client_secret: string | null;
}

/** What `change`, `cancel` and `resume` answer: the subscription at Stripe right after the call. */
export interface SubscriptionChange {
  subscription_id: string;
  status: string;
  price_id: string | null;
  cancel_at_period_end: boolean;
  current_period_end: number | null;
}

const PLAN_KINDS = ['user', 'business'] as const;

export class BillingClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * The plans on sale, cheapest first; `{ kind: 'user' | 'business' }` filters. Needs no sign-in.
   *
   * @example
   * const { data } = await kit.billing.plans({ kind: 'user' });
   */
  plans(query: PlanQuery = {}): PageRequest<BillingPlan, never> {
    return pagedFromAll(query, (q) => this.#plansAll(q));
  }

  async #plansAll(query: PlanQuery): Promise<Result<BillingPlan[]>> {
    if (query.kind !== undefined) {
      const invalid = checkEnum('kind', query.kind, PLAN_KINDS);
      if (invalid) return { data: null, error: invalid };
    }
    let request = this.supabase
      .from('billing_prices')
      .select('*, product:billing_products!inner(*)')
      .eq('active', true)
      .eq('product.active', true)
      .not('product.plan_kind', 'is', null);
    if (query.kind) request = request.eq('product.plan_kind', query.kind);
    const { data, error, status } = await request.order('unit_amount').order('id');
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as unknown as BillingPlan[], error: null };
  }

  /**
   * Subscribes the signed-in user (a user plan), or with `account_id` an account they own (a business
   * plan). Answers the client secret of the first invoice for Stripe.js, or starts the plan's trial.
   *
   * @example
   * const { data, error } = await kit.billing.subscribe({ price_id: 'price_user_starter_monthly' });
   */
  subscribe(input: SubscribeInput, options?: MutationOptions): Promise<Result<StartedSubscription, FunctionErrorCodes['billing']>>;
  async subscribe(input: SubscribeInput, options: MutationOptions = {}): Promise<Result<StartedSubscription>> {
    const parsed = parseInput(subscribeSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation<StartedSubscription>(this.supabase, 'billing/subscribe', parsed.data, options);
  }

  /**
   * The same through a Stripe Checkout page: answers its `url` to redirect to.
   *
   * @example
   * const { data } = await kit.billing.checkout({ price_id, success_url: location.href });
   * if (data?.url) location.assign(data.url);
   */
  checkout(input: CheckoutInput, options?: MutationOptions): Promise<Result<{ session_id: string; url: string | null }, FunctionErrorCodes['billing']>>;
  async checkout(input: CheckoutInput, options: MutationOptions = {}): Promise<Result<{ session_id: string; url: string | null }>> {
    const parsed = parseInput(checkoutSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation(this.supabase, 'billing/checkout', parsed.data, options);
  }

  /**
   * Moves the current subscription to another plan of its kind; Stripe invoices the prorated difference now.
   *
   * @example
   * const { data, error } = await kit.billing.change({ price_id: 'price_user_plus_monthly' });
   */
  change(input: ChangePlanInput, options?: MutationOptions): Promise<Result<SubscriptionChange, FunctionErrorCodes['billing']>>;
  async change(input: ChangePlanInput, options: MutationOptions = {}): Promise<Result<SubscriptionChange>> {
    const parsed = parseInput(changePlanSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation<SubscriptionChange>(this.supabase, 'billing/change', parsed.data, options);
  }

  /**
   * Cancels at the end of the current period: the plan keeps working until then.
   *
   * @example
   * await kit.billing.cancel();                         // your own plan
   * await kit.billing.cancel({ account_id: accountId }); // the account's (owner only)
   */
  cancel(input?: SubscriberInput, options?: MutationOptions): Promise<Result<SubscriptionChange, FunctionErrorCodes['billing']>>;
  async cancel(input: SubscriberInput = {}, options: MutationOptions = {}): Promise<Result<SubscriptionChange>> {
    const parsed = parseInput(subscriberSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation<SubscriptionChange>(this.supabase, 'billing/cancel', parsed.data, options);
  }

  /**
   * Undoes a cancellation at period end.
   *
   * @example
   * await kit.billing.resume();
   */
  resume(input?: SubscriberInput, options?: MutationOptions): Promise<Result<SubscriptionChange, FunctionErrorCodes['billing']>>;
  async resume(input: SubscriberInput = {}, options: MutationOptions = {}): Promise<Result<SubscriptionChange>> {
    const parsed = parseInput(subscriberSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation<SubscriptionChange>(this.supabase, 'billing/resume', parsed.data, options);
  }

  /**
   * A Stripe Billing Portal link (payment method, invoices, cancellation) for the subscriber.
   *
   * @example
   * const { data } = await kit.billing.portal({ return_url: location.href });
   */
  portal(input?: PortalInput, options?: MutationOptions): Promise<Result<{ url: string }, FunctionErrorCodes['billing']>>;
  async portal(input: PortalInput = {}, options: MutationOptions = {}): Promise<Result<{ url: string }>> {
    const parsed = parseInput(portalSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation<{ url: string }>(this.supabase, 'billing/portal', parsed.data, options);
  }

  /**
   * The signed-in user's current subscription (or the latest ended one), null when they never subscribed.
   *
   * @example
   * const { data } = await kit.billing.mySubscription();
   */
  mySubscription(): Promise<Result<BillingSubscription | null, never>>;
  async mySubscription(): Promise<Result<BillingSubscription | null>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    const { data, error, status } = await this.supabase
      .from('billing_subscriptions')
      .select('*')
      .eq('user_id', me.id)
      .order('order_ended')
      .order('created_at', { ascending: false })
      .limit(1)
      .maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }

  /**
   * A business account's current subscription, for its owner and admins (null when none, or not visible).
   *
   * @example
   * const { data } = await kit.billing.accountSubscription(accountId);
   */
  accountSubscription(accountId: string): Promise<Result<BillingSubscription | null, never>>;
  async accountSubscription(accountId: string): Promise<Result<BillingSubscription | null>> {
    const invalid = checkIds({ account_id: accountId });
    if (invalid) return { data: null, error: invalid };
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    const { data, error, status } = await this.supabase
      .from('billing_subscriptions')
      .select('*')
      .eq('account_id', accountId)
      .order('order_ended')
      .order('created_at', { ascending: false })
      .limit(1)
      .maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }

  /**
   * What an account's plan gives now (for its members): access, status, seat limit and seats used,
   * features, end of the grace period when a payment failed.
   *
   * @example
   * const { data } = await kit.billing.entitlements(accountId);
   * if (data?.features.includes('batches')) showBatches();
   */
  entitlements(accountId: string): Promise<Result<BillingEntitlements, RpcErrorCodes['billing_entitlements']>>;
  async entitlements(accountId: string): Promise<Result<BillingEntitlements>> {
    const invalid = checkIds({ account_id: accountId });
    if (invalid) return { data: null, error: invalid };
    const { data, error, status } = await this.supabase.rpc('billing_entitlements', { account_id: accountId }).single();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data, error: null };
  }

  /**
   * The signed-in user's monthly allowance credits, newest first (one per paid invoice).
   *
   * @example
   * const { data } = await kit.billing.history();
   */
  history(query: PageQuery = {}): PageRequest<AllowanceCredit, never> {
    return paged(query, (q) => this.#historyPage(q));
  }

  async #historyPage(query: PageQuery): Promise<Result<import('./pages.ts').Page<AllowanceCredit>>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    const rows = pageOf(query);
    if (rows.error) return { data: null, error: rows.error };
    const { data, error, status, count } = await this.supabase
      .from('billing_allowance_credits')
      .select('*', { count: 'exact' })
      .eq('user_id', me.id)
      .order('seq', { ascending: false })
      .range(rows.from, rows.to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, rows.page, rows.perPage), error: null };
  }
}
