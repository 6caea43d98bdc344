/**
 * `kit.payments`: Stripe payments for a voucher or a points top-up (seeds 003 and 004). Creating a
 * payment returns the PaymentIntent's client secret for Stripe.js; the amount and currency always come
 * from the price list in the database. Stripe's webhook then completes it (voucher issued or points
 * credited, exactly once); `confirm` asks for the current status and syncs it from Stripe if the
 * webhook is late. History and details are read through PostgREST under row-level security.
 * Admins (`kit.admin.payments`) list every payment and refund. Without Stripe keys on the server the
 * payment calls fail with `payments_not_configured` (503).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { createPaymentSchema, paymentIdSchema, refundPaymentSchema, type CreatePaymentInput, type RefundPaymentInput } from '../../supabase/functions/_shared/schemas/payments.ts';
import type { Database, Enums, Tables } from './database.types.ts';
import { errorFromPostgrest, SdkApiError, type Result, type FunctionErrorCodes, type RpcErrorCodes } from './errors.ts';
import { pagedFromAll, type PageRequest, paged, toPage } from './pages.ts';
import { badKey, keyedBy, pageOf } from './postgrest.ts';
import { functionsError, invokeMutation, type MutationOptions } from './functions.ts';
import { currentUserId, requireAdmin } from './session.ts';
import { checkIds, parseInput } from './validation.ts';
import type { Page, PageQuery } from './pages.ts';

export type { CreatePaymentInput, RefundPaymentInput };

/** A payment. `amount` is in the currency's minor units (cents for usd). */
export type Payment = Tables<'payments'>;
export type PaymentStatus = Enums<'payment_status'>;
export type PaymentPurpose = Enums<'payment_purpose'>;
/** A points top-up on sale. `price_amount` is in minor units. */
export type PointsPackage = Tables<'points_packages'>;
/** Points a refund could not take back because they were already spent; later top-ups settle it. */
export type PointsDebt = Tables<'points_debts'>;
/** A card dispute of one of the user's payments: what it took back and, if won, what it restored. */
export type PaymentDispute = Tables<'payment_disputes'>;

/** What creating a payment answers. */
export interface CreatedPayment {
  payment: Payment;
  /** For Stripe.js (`stripe.confirmPayment({ clientSecret, … })`); never store or log it. */
  client_secret: string | null;
  /** True when this idempotency key had already created the payment: nothing new was made. */
  replayed: boolean;
}

/** What `confirm` answers: the payment now, and the PaymentIntent's status at Stripe if it was asked. */
export interface ConfirmedPayment {
  payment: Payment;
  stripe_status: string | null;
}

/** Filters of a payments list. */
export interface PaymentFilters extends PageQuery {
  status?: PaymentStatus;
  purpose?: PaymentPurpose;
}

async function invokePath<T>(supabase: SupabaseClient<Database>, path: string, body: unknown, options?: MutationOptions): Promise<Result<T>> {
  if (options) return invokeMutation<T>(supabase, path, body, options);
  // supabase-js types a failure's error as any.
  const response: { data: T | null; error: unknown } = await supabase.functions.invoke<T>(path, { method: 'POST', body: body as Record<string, unknown> });
  const { data, error } = response;
  if (error) return { data: null, error: await functionsError(error) };
  return { data: data as T, error: null };
}

export class PaymentsClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * The points packages on sale, smallest first. Needs no sign-in.
   *
   * @example
   * const { data, error } = await kit.payments.pointsPackages();
   */
  pointsPackages(query: PageQuery = {}): PageRequest<PointsPackage, never> {
    return pagedFromAll(query, () => this.#pointsPackagesAll());
  }

  async #pointsPackagesAll(): Promise<Result<PointsPackage[]>> {
    const { data, error, status } = await this.supabase.from('points_packages').select('*').eq('is_active', true).order('points');
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }

  /**
   * Starts a payment for `{ voucher_type_id }` or `{ points_package_id }` and returns the client secret
   * to pay with Stripe.js. Safe to retry with the same `idempotencyKey` (one is generated when absent).
   * Errors: `voucher_type_not_found`, `voucher_type_inactive`, `points_package_not_found`,
   * `points_package_inactive`, `validation_failed` (e.g. an amount was sent), `payments_not_configured`.
   *
   * @example
   * const { data, error } = await kit.payments.create({ voucher_type_id: typeId }, { idempotencyKey: cartId });
   * if (data) await stripe.confirmPayment({ clientSecret: data.client_secret!, confirmParams: { return_url } });
   */
  create(input: CreatePaymentInput, options?: MutationOptions): Promise<Result<CreatedPayment, FunctionErrorCodes['payments']>>;
  async create(input: CreatePaymentInput, options: MutationOptions = {}): Promise<Result<CreatedPayment>> {
    const parsed = parseInput(createPaymentSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation<CreatedPayment>(this.supabase, 'payments', parsed.data, options);
  }

  /**
   * Buys a voucher of a type (seed 003 `/api/payments/create-payment-intent/`).
   *
   * @example
   * const { data, error } = await kit.payments.buyVoucher(voucherTypeId);
   */
  buyVoucher(voucherTypeId: string, options?: MutationOptions): Promise<Result<CreatedPayment, FunctionErrorCodes['payments']>>;
  buyVoucher(voucherTypeId: string, options: MutationOptions = {}): Promise<Result<CreatedPayment>> {
    const invalidId = checkIds({ voucher_type_id: voucherTypeId });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    return this.create({ voucher_type_id: voucherTypeId }, options);
  }

  /**
   * Buys a points package for the wallet.
   *
   * @example
   * const { data, error } = await kit.payments.buyPoints(pointsPackageId);
   */
  buyPoints(pointsPackageId: string, options?: MutationOptions): Promise<Result<CreatedPayment, FunctionErrorCodes['payments']>>;
  buyPoints(pointsPackageId: string, options: MutationOptions = {}): Promise<Result<CreatedPayment>> {
    const invalidId = checkIds({ points_package_id: pointsPackageId });
    if (invalidId) return Promise.resolve({ data: null, error: invalidId });
    return this.create({ points_package_id: pointsPackageId }, options);
  }

  /**
   * The payment's current status (seed 003 `/api/payments/confirm-payment/`): if the webhook has not
   * arrived yet the server asks Stripe and applies the result, exactly once.
   *
   * @example
   * const { data, error } = await kit.payments.confirm(paymentId);
   * if (data?.payment.status === 'completed') showVoucher();
   */
  confirm(paymentId: string, options?: MutationOptions): Promise<Result<ConfirmedPayment, FunctionErrorCodes['payments']>>;
  async confirm(paymentId: string, options: MutationOptions = {}): Promise<Result<ConfirmedPayment>> {
    const invalidId = checkIds({ payment_id: paymentId }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const id = parseInput(paymentIdSchema, paymentId);
    if (id.error) return { data: null, error: id.error };
    return invokePath<ConfirmedPayment>(this.supabase, `payments/${id.data}/confirm`, {}, options);
  }

  /**
   * The signed-in user's payments, newest first (seed 003 `/api/payments/history/`).
   *
   * @example
   * const { data, error } = await kit.payments.history({ status: 'completed' });
   */
  history(query: PaymentFilters = {}): PageRequest<Payment, never> {
    return paged(query, (q) => this.#historyPage(q));
  }

  async #historyPage(filters: PaymentFilters): Promise<Result<Page<Payment>>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    return listPayments(this.supabase, { ...filters, user_id: me.id });
  }

  /**
   * One payment by id: your own, or anyone's for an admin (`payment_not_found` otherwise).
   *
   * @example
   * const { data, error } = await kit.payments.get(paymentId);
   */
  get(paymentId: string): Promise<Result<Payment, 'payment_not_found'>>;
  async get(paymentId: string): Promise<Result<Payment>> {
    const invalidId = checkIds({ payment_id: paymentId });
    if (invalidId) return { data: null, error: invalidId };
    const id = parseInput(paymentIdSchema, paymentId);
    if (id.error) return { data: null, error: id.error };
    const { data, error, status } = await this.supabase.from('payments').select('*').eq('id', id.data).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No such payment', 'payment_not_found', 404) };
    return { data, error: null };
  }

  /**
   * The signed-in user's points debts (points a refund or a card dispute could not take back), open ones first.
   *
   * @example
   * const { data, error } = await kit.payments.debts();
   */
  debts(query: PageQuery = {}): PageRequest<PointsDebt, never> {
    return pagedFromAll(query, () => this.#debtsAll());
  }

  async #debtsAll(): Promise<Result<PointsDebt[]>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    const { data, error, status } = await this.supabase
      .from('points_debts')
      .select('*')
      .eq('user_id', me.id)
      .order('settled_at', { ascending: true, nullsFirst: true })
      .order('seq');
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }

  /**
   * The signed-in user's card disputes, newest first (admins use `from('payment_disputes')` for all).
   *
   * @example
   * const { data, error } = await kit.payments.disputes();
   */
  disputes(): Promise<Result<PaymentDispute[], never>>;
  async disputes(): Promise<Result<PaymentDispute[]>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    const { data, error, status } = await this.supabase.from('payment_disputes').select('*').eq('user_id', me.id).order('seq', { ascending: false });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }
}

async function listPayments(supabase: SupabaseClient<Database>, filters: PaymentFilters & { user_id?: string | undefined }): Promise<Result<Page<Payment>>> {
  const rows = pageOf(filters);
  if (rows.error) return { data: null, error: rows.error };
  let query = supabase.from('payments').select('*', { count: 'exact' });
  if (filters.user_id) query = query.eq('user_id', filters.user_id);
  if (filters.status) query = query.eq('status', filters.status);
  if (filters.purpose) query = query.eq('purpose', filters.purpose);
  const { data, error, status, count } = await query.order('seq', { ascending: false }).range(rows.from, rows.to);
  if (error) return { data: null, error: errorFromPostgrest(error, status) };
  return { data: toPage(data, count, rows.page, rows.perPage), error: null };
}

/** Filters of the admins' payment list. */
export interface PaymentListQuery extends PaymentFilters {
  user_id?: string;
}

/** `kit.admin.payments`: for platform admins (everyone else gets `forbidden`). */
export class PaymentsAdminClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Every payment, filtered by user, status or purpose, newest first.
   *
   * @example
   * const { data, error } = await kit.admin.payments.list({ status: 'failed', per_page: 100 });
   */
  list(query: PaymentListQuery = {}): PageRequest<Payment, never> {
    return paged(query, async (q) => {
      const bad = q.user_id !== undefined ? checkIds({ user_id: q.user_id }) : null;
      if (bad) return { data: null, error: bad };
      const admin = await requireAdmin(this.supabase);
      if (admin.error) return { data: null, error: admin.error };
      return listPayments(this.supabase, q);
    });
  }

  /**
   * Refunds a completed payment in full through Stripe; the voucher is deactivated, or the points are
   * taken back (never below zero; the rest becomes a points debt).
   *
   * @example
   * const { data, error } = await kit.admin.payments.refund(paymentId, { reason: 'requested_by_customer' });
   * if (error?.code === 'payment_not_refundable') console.log('only completed payments can be refunded');
   */
  refund(paymentId: string, input?: RefundPaymentInput, options?: MutationOptions): Promise<Result<{ payment: Payment; refund_id: string }, FunctionErrorCodes['payments']>>;
  async refund(paymentId: string, input: RefundPaymentInput = {}, options: MutationOptions = {}): Promise<Result<{ payment: Payment; refund_id: string }>> {
    const invalidId = checkIds({ payment_id: paymentId });
    if (invalidId) return { data: null, error: invalidId };
    const id = parseInput(paymentIdSchema, paymentId);
    if (id.error) return { data: null, error: id.error };
    const body = parseInput(refundPaymentSchema, input);
    if (body.error) return { data: null, error: body.error };
    return invokePath(this.supabase, `payments/${id.data}/refund`, body.data, options);
  }

  /**
   * Settles a user's open points debts from their current balance; returns the points taken.
   *
   * @example
   * const { data, error } = await kit.admin.payments.settleDebts(userId);
   */
  settleDebts(userId: string, options?: MutationOptions): Promise<Result<number, RpcErrorCodes['settle_points_debts']>>;
  async settleDebts(userId: string, options?: MutationOptions): Promise<Result<number>> {
    const invalidId = checkIds({ user_id: userId }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const { data, error, status } = await keyedBy(this.supabase.rpc('settle_points_debts', { user_id: userId }), options);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    // A SQL function's scalar result may be null, which the generated type does not say.
    const settled = data as number | null;
    return { data: settled ?? 0, error: null };
  }
}
