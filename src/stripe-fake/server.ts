/**
 * A local fake of the Stripe API for tests and offline development (no network to Stripe here).
 * It speaks the subset the payments module uses — customers, payment intents, refunds, events — in
 * Stripe's wire format (form-encoded requests, JSON objects with `object` and prefixed ids, errors as
 * `{error: {type, code, message, param}}`, `Idempotency-Key` replays), so the real `stripe` client is
 * pointed at it with its `host`/`port`/`protocol` options and cannot tell the difference for these
 * calls. Test controls under `/_fake/` move a payment intent to succeeded/failed/refunded/disputed (and
 * close a dispute as won or lost) and return
 * the event Stripe would send; tests sign it with `stripe.webhooks.generateTestHeaderString`.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { BillingError, FakeBilling, text } from './billing.ts';

type StripeObject = Record<string, unknown> & { id: string; object: string };

export interface FakeStripeOptions {
  /** Secret keys accepted in `Authorization: Bearer …` (default: any `sk_test_…`). */
  secretKey?: string;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
const now = () => Math.floor(Date.now() / 1000);

/** Parses Stripe's form encoding, including `metadata[key]=value` and `expand[]=x`. */
export function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const parts = rawKey.split(/\[|\]/).filter((p, i) => p !== '' || i === 0);
    let target: Record<string, unknown> = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const key = parts[i]!;
      target[key] ??= {};
      target = target[key] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1]!;
    if (rawKey.endsWith('[]')) {
      const list = (target[parts[parts.length - 1]!] as unknown[] | undefined) ?? [];
      list.push(value);
      target[last] = list;
    } else target[last] = value;
  }
  return out;
}

class StripeError extends Error {
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

export class FakeStripe {
  readonly customers = new Map<string, StripeObject>();
  readonly paymentIntents = new Map<string, StripeObject>();
  readonly charges = new Map<string, StripeObject>();
  readonly refunds = new Map<string, StripeObject>();
  readonly disputes = new Map<string, StripeObject>();
  readonly events = new Map<string, StripeObject>();
  private readonly idempotency = new Map<string, { params: string; status: number; body: unknown }>();
  /** Every API request received, for tests that assert what the backend sent. */
  readonly requests: { method: string; path: string; params: Record<string, unknown>; idempotencyKey?: string }[] = [];

  /** Stripe Billing: products, prices, subscriptions, invoices, Checkout and the Billing Portal (billing.ts). */
  readonly billing: FakeBilling;
  private lastCreated = 0;
  private address = 'http://127.0.0.1';

  constructor(private readonly options: FakeStripeOptions = {}) {
    this.billing = new FakeBilling({
      customers: this.customers,
      emit: (type, object, _related, previous) => this.event(type, object, previous),
      baseUrl: () => this.address,
    });
  }

  /**
   * Events are stamped with strictly increasing `created` seconds (at least the clock), so the order
   * in which the fake emitted them is also their time order, as it is (to the second) at Stripe.
   */
  private event(type: string, object: StripeObject, previous?: Record<string, unknown>): StripeObject {
    this.lastCreated = Math.max(now(), this.lastCreated + 1);
    const event: StripeObject = {
      id: id('evt'),
      object: 'event',
      api_version: '2025-11-17.clover',
      created: this.lastCreated,
      data: { object: structuredClone(object), ...(previous && Object.keys(previous).length > 0 ? { previous_attributes: structuredClone(previous) } : {}) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
    this.events.set(event.id, event);
    return event;
  }

  private intent(intentId: string): StripeObject {
    const intent = this.paymentIntents.get(intentId);
    if (!intent) throw new StripeError(404, 'invalid_request_error', `No such payment_intent: '${intentId}'`, 'resource_missing', 'intent');
    return intent;
  }

  private api(method: string, path: string, params: Record<string, unknown>): { status: number; body: unknown } {
    let match: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/customers') {
      const customer: StripeObject = {
        id: id('cus'),
        object: 'customer',
        created: now(),
        email: params.email ?? null,
        name: params.name ?? null,
        metadata: params.metadata ?? {},
        livemode: false,
      };
      this.customers.set(customer.id, customer);
      return { status: 200, body: customer };
    }
    if (method === 'GET' && (match = /^\/v1\/customers\/([^/]+)$/.exec(path))) {
      const customer = this.customers.get(match[1]!);
      if (!customer) throw new StripeError(404, 'invalid_request_error', `No such customer: '${match[1]}'`, 'resource_missing', 'id');
      return { status: 200, body: customer };
    }
    if (method === 'POST' && path === '/v1/payment_intents') {
      const amount = Number(params.amount);
      if (!Number.isInteger(amount) || amount < 1) {
        throw new StripeError(400, 'invalid_request_error', 'Invalid positive integer', 'parameter_invalid_integer', 'amount');
      }
      if (typeof params.currency !== 'string' || !/^[a-z]{3}$/.test(params.currency)) {
        throw new StripeError(400, 'invalid_request_error', 'Invalid currency', 'parameter_invalid_empty', 'currency');
      }
      const customerId = text(params.customer);
      if (customerId && !this.customers.has(customerId)) {
        throw new StripeError(400, 'invalid_request_error', `No such customer: '${customerId}'`, 'resource_missing', 'customer');
      }
      const intentId = id('pi');
      const intent: StripeObject = {
        id: intentId,
        object: 'payment_intent',
        amount,
        amount_received: 0,
        currency: params.currency,
        customer: params.customer ?? null,
        metadata: params.metadata ?? {},
        status: 'requires_payment_method',
        client_secret: `${intentId}_secret_${randomBytes(12).toString('base64url')}`,
        created: now(),
        latest_charge: null,
        livemode: false,
        description: params.description ?? null,
      };
      this.paymentIntents.set(intentId, intent);
      return { status: 200, body: intent };
    }
    if (method === 'GET' && (match = /^\/v1\/payment_intents\/([^/]+)$/.exec(path))) {
      return { status: 200, body: this.intent(match[1]!) };
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const intent = this.intent(text(params.payment_intent) ?? '');
      if (intent.status !== 'succeeded') {
        throw new StripeError(400, 'invalid_request_error', 'This PaymentIntent does not have a successful charge to refund.', 'charge_not_refundable');
      }
      return { status: 200, body: this.refund(intent).refund };
    }
    if (method === 'GET' && (match = /^\/v1\/disputes\/([^/]+)$/.exec(path))) {
      const dispute = this.disputes.get(match[1]!);
      if (!dispute) throw new StripeError(404, 'invalid_request_error', `No such dispute: '${match[1]}'`, 'resource_missing', 'id');
      return { status: 200, body: dispute };
    }
    if (method === 'GET' && (match = /^\/v1\/events\/([^/]+)$/.exec(path))) {
      const event = this.events.get(match[1]!);
      if (!event) throw new StripeError(404, 'invalid_request_error', `No such event: '${match[1]}'`, 'resource_missing', 'id');
      return { status: 200, body: event };
    }
    const billed = this.billing.api(method, path, params);
    if (billed) return billed;
    throw new StripeError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  }

  private refund(intent: StripeObject): { refund: StripeObject; event: StripeObject } {
    const chargeId = String(intent.latest_charge);
    const charge = this.charges.get(chargeId)!;
    const refund: StripeObject = {
      id: id('re'),
      object: 'refund',
      amount: intent.amount,
      currency: intent.currency,
      charge: chargeId,
      payment_intent: intent.id,
      status: 'succeeded',
      created: now(),
    };
    this.refunds.set(refund.id, refund);
    Object.assign(charge, { refunded: true, amount_refunded: intent.amount });
    return { refund, event: this.event('charge.refunded', charge) };
  }

  /** Test control: the customer paid. Returns the `payment_intent.succeeded` event. */
  succeed(intentId: string): StripeObject {
    const intent = this.intent(intentId);
    const charge: StripeObject = {
      id: id('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_refunded: 0,
      currency: intent.currency,
      customer: intent.customer,
      metadata: intent.metadata,
      payment_intent: intent.id,
      paid: true,
      refunded: false,
      status: 'succeeded',
      created: now(),
    };
    this.charges.set(charge.id, charge);
    Object.assign(intent, { status: 'succeeded', amount_received: intent.amount, latest_charge: charge.id });
    return this.event('payment_intent.succeeded', intent);
  }

  /** Test control: the payment failed. Returns the `payment_intent.payment_failed` event. */
  fail(intentId: string): StripeObject {
    const intent = this.intent(intentId);
    Object.assign(intent, {
      status: 'requires_payment_method',
      last_payment_error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' },
    });
    return this.event('payment_intent.payment_failed', intent);
  }

  /** Test control: refund in full, as from the dashboard. Returns the `charge.refunded` event. */
  refundIntent(intentId: string): StripeObject {
    return this.refund(this.intent(intentId)).event;
  }

  /**
   * Test control: the cardholder disputes the intent's charge. Returns the `charge.dispute.created`
   * event, whose object is a Dispute as Stripe sends it (its own id, `charge`, `payment_intent`,
   * `amount`, `currency`, `reason`, `status: needs_response`, its own empty metadata).
   */
  disputeIntent(intentId: string, reason = 'fraudulent'): StripeObject {
    const intent = this.intent(intentId);
    const charge = typeof intent.latest_charge === 'string' ? this.charges.get(intent.latest_charge) : undefined;
    if (!charge) throw new StripeError(400, 'invalid_request_error', 'This PaymentIntent has no charge to dispute.', 'charge_not_found');
    const dispute: StripeObject = {
      id: id('dp'),
      object: 'dispute',
      amount: charge.amount,
      balance_transactions: [],
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      evidence_details: { due_by: now() + 7 * 24 * 3600, has_evidence: false, past_due: false, submission_count: 0 },
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: intent.id,
      reason,
      status: 'needs_response',
    };
    this.disputes.set(dispute.id, dispute);
    Object.assign(charge, { disputed: true });
    return this.event('charge.dispute.created', dispute);
  }

  /** Test control: the card network decides. Returns the `charge.dispute.closed` event (status won or lost). */
  closeDispute(disputeId: string, status: 'won' | 'lost'): StripeObject {
    const dispute = this.disputes.get(disputeId);
    if (!dispute) throw new StripeError(404, 'invalid_request_error', `No such dispute: '${disputeId}'`, 'resource_missing', 'id');
    if (dispute.status === 'won' || dispute.status === 'lost') {
      throw new StripeError(400, 'invalid_request_error', 'This dispute is already closed.', 'dispute_already_closed');
    }
    Object.assign(dispute, { status });
    return this.event('charge.dispute.closed', dispute);
  }

  /** Handles one HTTP request (exported for embedding in tests without a socket). */
  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const url = new URL(req.url ?? '/', 'http://stripe.local');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': id('req'), 'Stripe-Version': '2025-11-17.clover' });
      res.end(JSON.stringify(body));
    };
    try {
      if (url.pathname === '/health') {
        send(200, { ok: true });
        return;
      }
      let match: RegExpMatchArray | null;
      if (req.method === 'POST' && (match = /^\/_fake\/payment_intents\/([^/]+)\/(succeed|fail|refund)$/.exec(url.pathname))) {
        const action = match[2]!;
        const event = action === 'succeed' ? this.succeed(match[1]!) : action === 'fail' ? this.fail(match[1]!) : this.refundIntent(match[1]!);
        send(200, event);
        return;
      }
      if (req.method === 'POST' && (match = /^\/_fake\/payment_intents\/([^/]+)\/dispute$/.exec(url.pathname))) {
        send(200, this.disputeIntent(match[1]!, url.searchParams.get('reason') ?? undefined));
        return;
      }
      if (req.method === 'POST' && (match = /^\/_fake\/disputes\/([^/]+)\/(won|lost)$/.exec(url.pathname))) {
        send(200, this.closeDispute(match[1]!, match[2] as 'won' | 'lost'));
        return;
      }
      if (req.method === 'GET' && url.pathname === '/_fake/requests') {
        send(200, this.requests);
        return;
      }
      if (url.pathname.startsWith('/_fake/billing/')) {
        const answer = this.billing.control(req.method ?? 'GET', url.pathname, url.searchParams);
        if (answer !== null) {
          send(200, answer);
          return;
        }
      }

      const auth = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
      const keyOk = auth && (this.options.secretKey ? auth === this.options.secretKey : auth.startsWith('sk_test_'));
      if (!keyOk) {
        throw new StripeError(401, 'invalid_request_error', auth ? `Invalid API Key provided: ${auth.slice(0, 8)}***` : 'You did not provide an API key.');
      }
      const params = req.method === 'GET' ? Object.fromEntries(url.searchParams) : parseForm(raw);
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      this.requests.push({ method: req.method ?? 'GET', path: url.pathname, params, idempotencyKey });
      if (req.method === 'POST' && idempotencyKey) {
        const seen = this.idempotency.get(idempotencyKey);
        if (seen) {
          if (seen.params !== raw) {
            throw new StripeError(400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with.`);
          }
          res.setHeader('Idempotent-Replayed', 'true');
          send(seen.status, seen.body);
          return;
        }
        const result = this.api(req.method, url.pathname, params);
        this.idempotency.set(idempotencyKey, { params: raw, ...result });
        send(result.status, result.body);
        return;
      }
      const result = this.api(req.method ?? 'GET', url.pathname, params);
      send(result.status, result.body);
      return;
    } catch (error) {
      if (error instanceof StripeError || error instanceof BillingError) {
        send(error.status, { error: { type: error.type, message: error.message, ...(error.code ? { code: error.code } : {}), ...(error.param ? { param: error.param } : {}) } });
        return;
      }
      send(500, { error: { type: 'api_error', message: 'An unknown error occurred' } });
      return;
    }
  }

  listen(port: number, host = '127.0.0.1'): Promise<http.Server> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        this.address = `http://${host}:${port}`;
        resolve(server);
      });
    });
  }
}
