/**
 * Stripe Billing for the fake Stripe: products, prices, subscriptions, invoices, Checkout Sessions in
 * subscription mode and Billing Portal sessions, in Stripe's wire format (API version
 * 2025-11-17.clover: a subscription's period is on its items, an invoice names its subscription under
 * `parent.subscription_details` and its price under `lines.data[].pricing.price_details`), so the real
 * `stripe` client works against it. Each call records the events Stripe would send; tests read them
 * with `GET /_fake/billing/events?subscription=<id>[&after=<event id>]` and deliver them (in order,
 * shuffled or repeated) to the webhook. Test controls move time and payments:
 * - `POST /_fake/billing/checkout/<session id>/complete` — the customer paid at Checkout;
 * - `POST /_fake/billing/subscriptions/<id>/pay` — the open invoice is paid (also recovers past_due);
 * - `POST /_fake/billing/subscriptions/<id>/fail_next` — the next renewal's payment fails;
 * - `POST /_fake/billing/subscriptions/<id>/advance` — the subscription moves to its next period
 *   (renewal invoice paid or failed, or the end of a subscription cancelled at period end).
 * Prorations on a plan change are computed from the unused share of the period, as Stripe does
 * (without its per-second precision).
 */
import { randomBytes } from 'node:crypto';

/** A request parameter as an error message shows it (parameters are strings, lists or nested forms). */
const shown = (value: unknown): string => (typeof value === 'string' ? value : value === undefined ? 'undefined' : JSON.stringify(value));

/** A nested form parameter (`recurring[interval]=month`) as a record; anything else as an empty one. */
const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});
export const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
/** The first entry of a list parameter: `items[0][price]=…` parses to `{ '0': { price } }`, an internal call passes an array. */
const firstEntry = (list: unknown): Record<string, unknown> | undefined => {
  const first = record(list)['0'];
  return first && typeof first === 'object' ? (first as Record<string, unknown>) : undefined;
};

export type StripeObject = Record<string, unknown> & { id: string; object: string };

export class BillingError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
const now = () => Math.floor(Date.now() / 1000);

/** The catalogue the fake starts with: two user plans and two business plans (also supabase/seeds/45-billing.sql). */
export const SEEDED_CATALOGUE = [
  {
    product: { id: 'prod_user_starter', name: 'Starter', description: '500 points every month', metadata: { plan_kind: 'user', monthly_points: '500' } },
    price: { id: 'price_user_starter_monthly', unit_amount: 499, nickname: 'Starter monthly' },
  },
  {
    product: {
      id: 'prod_user_plus',
      name: 'Plus',
      description: '2,000 points every month, 14 days free',
      metadata: { plan_kind: 'user', monthly_points: '2000', trial_days: '14' },
    },
    price: { id: 'price_user_plus_monthly', unit_amount: 1499, nickname: 'Plus monthly' },
  },
  {
    product: {
      id: 'prod_business_team',
      name: 'Team',
      description: 'Up to 5 seats with CRM statistics',
      metadata: { plan_kind: 'business', seat_limit: '5', features: 'crm_statistics' },
    },
    price: { id: 'price_business_team_monthly', unit_amount: 4900, nickname: 'Team monthly' },
  },
  {
    product: {
      id: 'prod_business_scale',
      name: 'Scale',
      description: 'Up to 50 seats, CRM statistics and member batches',
      metadata: { plan_kind: 'business', seat_limit: '50', features: 'crm_statistics,batches' },
    },
    price: { id: 'price_business_scale_monthly', unit_amount: 19900, nickname: 'Scale monthly' },
  },
] as const;

/** What the billing part needs from the fake Stripe. */
export interface BillingHost {
  customers: Map<string, StripeObject>;
  emit(type: string, object: StripeObject, related?: string, previous?: Record<string, unknown>): StripeObject;
  baseUrl(): string;
}

function addInterval(start: number, interval: string, count: number): number {
  const d = new Date(start * 1000);
  if (interval === 'day') d.setUTCDate(d.getUTCDate() + count);
  else if (interval === 'week') d.setUTCDate(d.getUTCDate() + 7 * count);
  else if (interval === 'year') d.setUTCFullYear(d.getUTCFullYear() + count);
  else d.setUTCMonth(d.getUTCMonth() + count);
  return Math.floor(d.getTime() / 1000);
}

const list = (data: StripeObject[], url: string) => ({ object: 'list', data, has_more: false, url });

export class FakeBilling {
  readonly products = new Map<string, StripeObject>();
  readonly prices = new Map<string, StripeObject>();
  readonly subscriptions = new Map<string, StripeObject>();
  readonly invoices = new Map<string, StripeObject>();
  readonly checkoutSessions = new Map<string, StripeObject>();
  /** Events per related object (a subscription id), in the order they were emitted. */
  readonly eventsBy = new Map<string, StripeObject[]>();
  private readonly failNext = new Set<string>();

  constructor(
    private readonly host: BillingHost,
    seed = true,
  ) {
    if (seed) {
      const created = now();
      for (const { product, price } of SEEDED_CATALOGUE) {
        this.products.set(product.id, { object: 'product', active: true, created, updated: created, livemode: false, type: 'service', ...structuredClone(product) });
        this.prices.set(price.id, this.newPrice(price.id, product.id, price.unit_amount, 'usd', 'month', 1, price.nickname, created));
      }
    }
  }

  private newPrice(priceId: string, product: string, amount: number, currency: string, interval: string, count: number, nickname: string | null, created = now()): StripeObject {
    return {
      id: priceId,
      object: 'price',
      active: true,
      billing_scheme: 'per_unit',
      created,
      currency,
      livemode: false,
      lookup_key: null,
      metadata: {},
      nickname,
      product,
      recurring: { interval, interval_count: count, usage_type: 'licensed' },
      tax_behavior: 'unspecified',
      type: 'recurring',
      unit_amount: amount,
      unit_amount_decimal: String(amount),
    };
  }

  private record(event: StripeObject, related: string) {
    const events = this.eventsBy.get(related) ?? [];
    events.push(event);
    this.eventsBy.set(related, events);
  }

  private emit(type: string, object: StripeObject, related: string | null, previous?: Record<string, unknown>): StripeObject {
    const event = this.host.emit(type, object, undefined, previous);
    if (related) this.record(event, related);
    this.record(event, '*');
    return event;
  }

  private get(map: Map<string, StripeObject>, what: string, key: string): StripeObject {
    const found = map.get(key);
    if (!found) throw new BillingError(404, 'invalid_request_error', `No such ${what}: '${key}'`, 'resource_missing', 'id');
    return found;
  }

  private price(priceId: unknown, param: string): StripeObject {
    const price = this.prices.get(typeof priceId === 'string' ? priceId : '');
    if (!price) throw new BillingError(400, 'invalid_request_error', `No such price: '${shown(priceId)}'`, 'resource_missing', param);
    if (!price.recurring) throw new BillingError(400, 'invalid_request_error', 'The price must be recurring for a subscription', 'parameter_invalid', param);
    return price;
  }

  private customer(customerId: unknown): StripeObject {
    const customer = this.host.customers.get(typeof customerId === 'string' ? customerId : '');
    if (!customer) throw new BillingError(400, 'invalid_request_error', `No such customer: '${shown(customerId)}'`, 'resource_missing', 'customer');
    return customer;
  }

  // ---------------------------------------------------------------------------------------------
  // Subscriptions and invoices
  // ---------------------------------------------------------------------------------------------
  private item(sub: StripeObject): StripeObject {
    return (sub.items as { data: StripeObject[] }).data[0]!;
  }

  private periodOf(sub: StripeObject): { start: number; end: number } {
    const item = this.item(sub);
    return { start: item.current_period_start as number, end: item.current_period_end as number };
  }

  private invoice(
    sub: StripeObject,
    reason: string,
    amount: number,
    period: { start: number; end: number },
    proration?: { credit: number; charge: number; oldPrice: StripeObject },
  ): StripeObject {
    const item = this.item(sub);
    const price = item.price as StripeObject;
    const invoiceId = id('in');
    const line = (amountOf: number, p: StripeObject, isProration: boolean) => ({
      id: id('il'),
      object: 'line_item',
      amount: amountOf,
      currency: p.currency,
      description: null,
      invoice: invoiceId,
      livemode: false,
      metadata: {},
      period,
      quantity: 1,
      pricing: { type: 'price_details', price_details: { price: p.id, product: p.product }, unit_amount_decimal: String(p.unit_amount) },
      parent: {
        type: 'subscription_item_details',
        subscription_item_details: { subscription: sub.id, subscription_item: item.id, proration: isProration, invoice_item: null, proration_details: null },
      },
    });
    const lines = proration ? [line(-proration.credit, proration.oldPrice, true), line(proration.charge, price, true)] : [line(amount, price, false)];
    const invoice: StripeObject = {
      id: invoiceId,
      object: 'invoice',
      amount_due: amount,
      amount_paid: 0,
      amount_remaining: amount,
      attempt_count: 0,
      attempted: false,
      billing_reason: reason,
      collection_method: 'charge_automatically',
      created: now(),
      currency: price.currency,
      customer: sub.customer,
      livemode: false,
      metadata: {},
      period_start: period.start,
      period_end: period.end,
      status: 'open',
      lines: list(lines, `/v1/invoices/${invoiceId}/lines`),
      parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription: sub.id, metadata: structuredClone(sub.metadata) } },
      confirmation_secret: amount > 0 ? { type: 'payment_intent', client_secret: `pi_${randomBytes(8).toString('hex')}_secret_${randomBytes(8).toString('hex')}` } : null,
      status_transitions: { finalized_at: now(), paid_at: null },
    };
    this.invoices.set(invoiceId, invoice);
    sub.latest_invoice = invoiceId;
    return invoice;
  }

  private markPaid(sub: StripeObject, invoice: StripeObject) {
    Object.assign(invoice, {
      status: 'paid',
      amount_paid: invoice.amount_due,
      amount_remaining: 0,
      attempted: true,
      attempt_count: Number(invoice.attempt_count) + 1,
      status_transitions: { ...(invoice.status_transitions as object), paid_at: now() },
    });
    this.emit('invoice.paid', invoice, sub.id);
  }

  /** Creates a subscription. `paid`: Checkout collected the first payment; otherwise it waits incomplete for `pay`. */
  createSubscription(params: Record<string, unknown>, paid = false): StripeObject {
    const customer = this.customer(params.customer);
    const itemParams = firstEntry(params.items);
    const price = this.price(itemParams?.price, 'items[0][price]');
    const trialDays = params.trial_period_days !== undefined ? Number(params.trial_period_days) : 0;
    if (!Number.isInteger(trialDays) || trialDays < 0 || trialDays > 730) {
      throw new BillingError(400, 'invalid_request_error', 'Invalid trial_period_days', 'parameter_invalid_integer', 'trial_period_days');
    }
    const start = now();
    const recurring = price.recurring as { interval: string; interval_count: number };
    const end = trialDays > 0 ? start + trialDays * 86400 : addInterval(start, recurring.interval, recurring.interval_count);
    const subId = id('sub');
    const sub: StripeObject = {
      id: subId,
      object: 'subscription',
      billing_cycle_anchor: end,
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      collection_method: 'charge_automatically',
      created: start,
      currency: price.currency,
      customer: customer.id,
      default_payment_method: null,
      ended_at: null,
      latest_invoice: null,
      livemode: false,
      metadata: params.metadata ?? {},
      start_date: start,
      status: trialDays > 0 ? 'trialing' : paid ? 'active' : 'incomplete',
      trial_start: trialDays > 0 ? start : null,
      trial_end: trialDays > 0 ? end : null,
      items: list(
        [
          {
            id: id('si'),
            object: 'subscription_item',
            created: start,
            current_period_start: start,
            current_period_end: end,
            metadata: {},
            price,
            quantity: 1,
            subscription: subId,
          },
        ] as StripeObject[],
        `/v1/subscription_items?subscription=${subId}`,
      ),
    };
    this.subscriptions.set(subId, sub);
    const invoice = this.invoice(sub, 'subscription_create', trialDays > 0 ? 0 : Number(price.unit_amount), { start, end });
    this.emit('customer.subscription.created', sub, subId);
    if (trialDays > 0 || paid) this.markPaid(sub, invoice);
    return sub;
  }

  private expandSubscription(sub: StripeObject, expand: unknown): StripeObject {
    const wanted = Array.isArray(expand) ? expand.map(String) : [];
    if (!wanted.some((e) => e.startsWith('latest_invoice'))) return sub;
    return { ...sub, latest_invoice: typeof sub.latest_invoice === 'string' ? (this.invoices.get(sub.latest_invoice) ?? null) : null };
  }

  private updateSubscription(sub: StripeObject, params: Record<string, unknown>): StripeObject {
    if (sub.status === 'canceled')
      throw new BillingError(400, 'invalid_request_error', 'A canceled subscription can only update its cancellation_details and metadata.', 'resource_missing');
    const previous: Record<string, unknown> = {};
    if (params.cancel_at_period_end !== undefined) {
      previous.cancel_at_period_end = sub.cancel_at_period_end;
      const cancel = params.cancel_at_period_end === 'true';
      Object.assign(sub, { cancel_at_period_end: cancel, cancel_at: cancel ? this.periodOf(sub).end : null, canceled_at: cancel ? now() : null });
    }
    if (params.metadata) sub.metadata = { ...(sub.metadata as object), ...params.metadata };
    const itemParams = firstEntry(params.items);
    let proration: StripeObject | null = null;
    if (itemParams?.price) {
      const item = this.item(sub);
      if (itemParams.id && itemParams.id !== item.id)
        throw new BillingError(400, 'invalid_request_error', `No such subscription item: '${shown(itemParams.id)}'`, 'resource_missing', 'items[0][id]');
      const newPrice = this.price(itemParams.price, 'items[0][price]');
      const oldPrice = item.price as StripeObject;
      if (newPrice.currency !== oldPrice.currency) throw new BillingError(400, 'invalid_request_error', 'Currencies must match', 'currency_mismatch', 'items[0][price]');
      previous.items = structuredClone(sub.items);
      item.price = newPrice;
      const { start, end } = this.periodOf(sub);
      const behaviour = text(params.proration_behavior) ?? 'create_prorations';
      if (behaviour !== 'none' && sub.status !== 'trialing') {
        const share = Math.min(1, Math.max(0, (end - Math.max(now(), start)) / Math.max(1, end - start)));
        const credit = Math.round(Number(oldPrice.unit_amount) * share);
        const charge = Math.round(Number(newPrice.unit_amount) * share);
        if (behaviour === 'always_invoice') {
          proration = this.invoice(sub, 'subscription_update', Math.max(0, charge - credit), { start: Math.max(now(), start), end }, { credit, charge, oldPrice });
        }
      }
    }
    this.emit('customer.subscription.updated', sub, sub.id, previous);
    if (proration) this.markPaid(sub, proration);
    return sub;
  }

  private cancelNow(sub: StripeObject): StripeObject {
    Object.assign(sub, { status: 'canceled', canceled_at: sub.canceled_at ?? now(), ended_at: now(), cancel_at_period_end: false });
    this.emit('customer.subscription.deleted', sub, sub.id);
    return sub;
  }

  /** Test control: pays the subscription's open invoice (first payment, or a failed renewal's retry). */
  pay(subId: string): StripeObject[] {
    const sub = this.get(this.subscriptions, 'subscription', subId);
    const invoice = this.invoices.get(String(sub.latest_invoice));
    if (invoice?.status !== 'open') throw new BillingError(400, 'invalid_request_error', 'This subscription has no open invoice.', 'invoice_not_open');
    const before = (this.eventsBy.get(subId) ?? []).length;
    this.markPaid(sub, invoice);
    if (sub.status === 'incomplete' || sub.status === 'past_due' || sub.status === 'unpaid') {
      const previous = { status: sub.status };
      sub.status = 'active';
      this.emit('customer.subscription.updated', sub, subId, previous);
    }
    return (this.eventsBy.get(subId) ?? []).slice(before);
  }

  /** Test control: the next renewal's payment will fail. */
  failNextPayment(subId: string): { id: string; fail_next: true } {
    this.get(this.subscriptions, 'subscription', subId);
    this.failNext.add(subId);
    return { id: subId, fail_next: true };
  }

  /** Test control: moves the subscription to its next period and returns the events that caused. */
  advance(subId: string): StripeObject[] {
    const sub = this.get(this.subscriptions, 'subscription', subId);
    if (sub.status === 'canceled' || sub.status === 'incomplete') {
      throw new BillingError(400, 'invalid_request_error', `A ${sub.status} subscription does not renew.`, 'subscription_not_renewable');
    }
    const before = (this.eventsBy.get(subId) ?? []).length;
    if (sub.cancel_at_period_end) {
      this.cancelNow(sub);
      return (this.eventsBy.get(subId) ?? []).slice(before);
    }
    const item = this.item(sub);
    const price = item.price as StripeObject;
    const recurring = price.recurring as { interval: string; interval_count: number };
    const start = item.current_period_end as number;
    const end = addInterval(start, recurring.interval, recurring.interval_count);
    const previous = { status: sub.status, items: structuredClone(sub.items) };
    Object.assign(item, { current_period_start: start, current_period_end: end });
    sub.billing_cycle_anchor = end;
    const invoice = this.invoice(sub, 'subscription_cycle', Number(price.unit_amount), { start, end });
    if (this.failNext.delete(subId)) {
      Object.assign(invoice, { attempted: true, attempt_count: 1, next_payment_attempt: start + 3 * 86400 });
      this.emit('invoice.payment_failed', invoice, subId);
      sub.status = 'past_due';
      this.emit('customer.subscription.updated', sub, subId, previous);
    } else {
      this.markPaid(sub, invoice);
      sub.status = 'active';
      this.emit('customer.subscription.updated', sub, subId, previous);
    }
    return (this.eventsBy.get(subId) ?? []).slice(before);
  }

  /** Test control: the customer completed Checkout. Returns the events (subscription, invoice, session). */
  completeCheckout(sessionId: string): StripeObject[] {
    const session = this.get(this.checkoutSessions, 'checkout session', sessionId);
    if (session.status !== 'open') throw new BillingError(400, 'invalid_request_error', 'This Checkout Session is not open.', 'checkout_session_not_open');
    let customerId = session.customer as string | null;
    if (!customerId) {
      customerId = id('cus');
      this.host.customers.set(customerId, { id: customerId, object: 'customer', created: now(), email: session.customer_email ?? null, name: null, metadata: {}, livemode: false });
    }
    const internal = session._line as { price: string };
    const subData = (session._subscription_data ?? {}) as Record<string, unknown>;
    const sub = this.createSubscription(
      {
        customer: customerId,
        items: [{ price: internal.price }],
        metadata: subData.metadata ?? {},
        ...(subData.trial_period_days ? { trial_period_days: subData.trial_period_days } : {}),
      },
      true,
    );
    Object.assign(session, {
      status: 'complete',
      payment_status: sub.status === 'trialing' ? 'no_payment_required' : 'paid',
      customer: customerId,
      subscription: sub.id,
      invoice: sub.latest_invoice,
    });
    this.emit('checkout.session.completed', this.publicSession(session), sub.id);
    return this.eventsBy.get(sub.id) ?? [];
  }

  private publicSession(session: StripeObject): StripeObject {
    const { _line, _subscription_data, ...rest } = session;
    return rest;
  }

  /** The billing part of the API; null when the path is not a billing one. */
  api(method: string, path: string, params: Record<string, unknown>): { status: number; body: unknown } | null {
    let match: RegExpMatchArray | null;
    // Products
    if (method === 'POST' && path === '/v1/products') {
      if (!params.name) throw new BillingError(400, 'invalid_request_error', 'Missing required param: name.', 'parameter_missing', 'name');
      const product: StripeObject = {
        id: text(params.id) ?? id('prod'),
        object: 'product',
        active: params.active !== 'false',
        created: now(),
        updated: now(),
        description: params.description ?? null,
        livemode: false,
        metadata: params.metadata ?? {},
        name: params.name,
        type: 'service',
      };
      if (this.products.has(product.id)) throw new BillingError(400, 'invalid_request_error', 'Product already exists.', 'resource_already_exists', 'id');
      this.products.set(product.id, product);
      this.emit('product.created', product, null);
      return { status: 200, body: product };
    }
    if (method === 'GET' && path === '/v1/products') {
      const data = [...this.products.values()].filter((p) => params.active === undefined || String(p.active) === text(params.active));
      return { status: 200, body: list(data, '/v1/products') };
    }
    if ((match = /^\/v1\/products\/([^/]+)$/.exec(path))) {
      const product = this.get(this.products, 'product', match[1]!);
      if (method === 'GET') return { status: 200, body: product };
      if (method === 'POST') {
        const previous: Record<string, unknown> = {};
        for (const key of ['name', 'description', 'active', 'metadata'] as const) {
          if (params[key] === undefined) continue;
          previous[key] = product[key];
          product[key] = key === 'active' ? params.active === 'true' : key === 'metadata' ? { ...(product.metadata as object), ...(params.metadata as object) } : params[key];
        }
        product.updated = Math.max(now(), Number(product.updated) + 1);
        this.emit('product.updated', product, null, previous);
        return { status: 200, body: product };
      }
    }
    // Prices
    if (method === 'POST' && path === '/v1/prices') {
      const product = this.get(this.products, 'product', text(params.product) ?? '');
      const amount = Number(params.unit_amount);
      if (!Number.isInteger(amount) || amount < 0) throw new BillingError(400, 'invalid_request_error', 'Invalid non-negative integer', 'parameter_invalid_integer', 'unit_amount');
      if (typeof params.currency !== 'string' || !/^[a-z]{3}$/.test(params.currency))
        throw new BillingError(400, 'invalid_request_error', 'Invalid currency', 'parameter_invalid_empty', 'currency');
      const recurring = record(params.recurring);
      const price = this.newPrice(
        text(params.id) ?? id('price'),
        product.id,
        amount,
        params.currency,
        text(recurring.interval) ?? 'month',
        Number(recurring.interval_count ?? 1),
        text(params.nickname) ?? null,
      );
      if (!params.recurring) Object.assign(price, { recurring: null, type: 'one_time' });
      this.prices.set(price.id, price);
      this.emit('price.created', price, null);
      return { status: 200, body: price };
    }
    if (method === 'GET' && path === '/v1/prices') {
      const data = [...this.prices.values()].filter(
        (p) => (params.active === undefined || String(p.active) === text(params.active)) && (!params.product || p.product === params.product),
      );
      return { status: 200, body: list(data, '/v1/prices') };
    }
    if ((match = /^\/v1\/prices\/([^/]+)$/.exec(path))) {
      const price = this.get(this.prices, 'price', match[1]!);
      if (method === 'GET') return { status: 200, body: price };
      if (method === 'POST') {
        const previous: Record<string, unknown> = {};
        if (params.active !== undefined) {
          previous.active = price.active;
          price.active = params.active === 'true';
        }
        if (params.nickname !== undefined) {
          previous.nickname = price.nickname;
          price.nickname = params.nickname;
        }
        this.emit('price.updated', price, null, previous);
        return { status: 200, body: price };
      }
    }
    // Subscriptions
    if (method === 'POST' && path === '/v1/subscriptions') {
      const sub = this.createSubscription(params);
      return { status: 200, body: this.expandSubscription(sub, params.expand) };
    }
    if ((match = /^\/v1\/subscriptions\/([^/]+)$/.exec(path))) {
      const sub = this.get(this.subscriptions, 'subscription', match[1]!);
      if (method === 'GET') return { status: 200, body: this.expandSubscription(sub, params.expand ?? (params['expand[]'] ? [params['expand[]']] : undefined)) };
      if (method === 'POST') return { status: 200, body: this.expandSubscription(this.updateSubscription(sub, params), params.expand) };
      if (method === 'DELETE') return { status: 200, body: this.cancelNow(sub) };
    }
    if (method === 'GET' && path === '/v1/subscriptions') {
      const data = [...this.subscriptions.values()].filter((s) => !params.customer || s.customer === params.customer);
      return { status: 200, body: list(data, '/v1/subscriptions') };
    }
    // Invoices
    if (method === 'GET' && (match = /^\/v1\/invoices\/([^/]+)$/.exec(path))) {
      return { status: 200, body: this.get(this.invoices, 'invoice', match[1]!) };
    }
    if (method === 'POST' && (match = /^\/v1\/invoices\/([^/]+)\/pay$/.exec(path))) {
      const invoice = this.get(this.invoices, 'invoice', match[1]!);
      const subId = (invoice.parent as { subscription_details: { subscription: string } }).subscription_details.subscription;
      this.pay(subId);
      return { status: 200, body: invoice };
    }
    // Checkout Sessions (subscription mode)
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      if (params.mode !== 'subscription') throw new BillingError(400, 'invalid_request_error', 'This fake supports mode=subscription only.', 'parameter_invalid', 'mode');
      const line = firstEntry(params.line_items);
      this.price(line?.price, 'line_items[0][price]');
      if (params.customer) this.customer(params.customer);
      if (!params.success_url) throw new BillingError(400, 'invalid_request_error', 'Missing required param: success_url.', 'parameter_missing', 'success_url');
      const sessionId = id('cs_test');
      const session: StripeObject = {
        id: sessionId,
        object: 'checkout.session',
        mode: 'subscription',
        status: 'open',
        payment_status: 'unpaid',
        created: now(),
        expires_at: now() + 86400,
        customer: params.customer ?? null,
        customer_email: params.customer_email ?? null,
        client_reference_id: params.client_reference_id ?? null,
        metadata: params.metadata ?? {},
        subscription: null,
        invoice: null,
        success_url: params.success_url,
        cancel_url: params.cancel_url ?? null,
        livemode: false,
        url: `${this.host.baseUrl()}/_fake/billing/checkout/${sessionId}`,
        _line: { price: line!.price },
        _subscription_data: params.subscription_data ?? {},
      };
      this.checkoutSessions.set(sessionId, session);
      return { status: 200, body: this.publicSession(session) };
    }
    if (method === 'GET' && (match = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path))) {
      return { status: 200, body: this.publicSession(this.get(this.checkoutSessions, 'checkout session', match[1]!)) };
    }
    // Billing Portal
    if (method === 'POST' && path === '/v1/billing_portal/sessions') {
      const customer = this.customer(params.customer);
      const sessionId = id('bps');
      return {
        status: 200,
        body: {
          id: sessionId,
          object: 'billing_portal.session',
          created: now(),
          customer: customer.id,
          livemode: false,
          return_url: params.return_url ?? null,
          url: `${this.host.baseUrl()}/_fake/billing/portal/${sessionId}`,
          configuration: 'bpc_fake',
          flow: null,
          locale: null,
          on_behalf_of: null,
        },
      };
    }
    return null;
  }

  /** Test controls under /_fake/billing/; null when the path is not one. */
  control(method: string, path: string, query: URLSearchParams): unknown {
    let match: RegExpMatchArray | null;
    if (method === 'GET' && path === '/_fake/billing/events') {
      const related = query.get('subscription') ?? '*';
      const events = this.eventsBy.get(related) ?? [];
      const after = query.get('after');
      const at = after ? events.findIndex((e) => e.id === after) : -1;
      return { object: 'list', data: events.slice(at + 1), has_more: false };
    }
    if (method !== 'POST') return null;
    if ((match = /^\/_fake\/billing\/checkout\/([^/]+)\/complete$/.exec(path))) return { object: 'list', data: this.completeCheckout(match[1]!) };
    if ((match = /^\/_fake\/billing\/subscriptions\/([^/]+)\/(pay|advance|fail_next)$/.exec(path))) {
      if (match[2] === 'fail_next') return this.failNextPayment(match[1]!);
      return { object: 'list', data: match[2] === 'pay' ? this.pay(match[1]!) : this.advance(match[1]!) };
    }
    return null;
  }
}
