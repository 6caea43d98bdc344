/**
 * The subscription events (Stripe Billing): the catalogue (product.*, price.*), subscriptions
 * (customer.subscription.*), their invoices (invoice.paid, invoice.payment_failed) and Checkout in
 * subscription mode. Like the payment events, each is one SQL function call that records the event id
 * (a repeated delivery is `duplicate`) and applies it in the same transaction; the functions also
 * refuse to move a subscription back to an older state (`stale`). The object is passed whole: the SQL
 * reads the fields it needs and ignores what it does not know.
 */
import type postgres from 'postgres';
import type { Stripe } from '../_shared/stripe.ts';

export const BILLING_EVENT_TYPES = [
  'product.created',
  'product.updated',
  'product.deleted',
  'price.created',
  'price.updated',
  'price.deleted',
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
] as const;

export function isBillingEvent(type: string): boolean {
  return (BILLING_EVENT_TYPES as readonly string[]).includes(type);
}

/** What applying an event answers (the webhook's `Applied` shape: billing events carry no payment). */
export interface BillingApplied {
  handled: boolean;
  outcome: string;
  payment_id: null;
  status: string | null;
  subscription_id?: string | null;
  points?: number;
}

type Json = postgres.JSONValue;

export async function applyBillingEvent(sql: postgres.Sql, event: Stripe.Event): Promise<BillingApplied> {
  const object = sql.json(event.data.object as unknown as Json);
  const created = Number(event.created);
  switch (event.type) {
    case 'product.created':
    case 'product.updated':
    case 'product.deleted': {
      const [row] = await sql<{ outcome: string }[]>`select private.billing_apply_product(${event.id}, ${event.type}, ${object}) as outcome`;
      return { handled: true, outcome: row!.outcome, payment_id: null, status: null };
    }
    case 'price.created':
    case 'price.updated':
    case 'price.deleted': {
      const [row] = await sql<{ outcome: string }[]>`select private.billing_apply_price(${event.id}, ${event.type}, ${created}, ${object}) as outcome`;
      return { handled: true, outcome: row!.outcome, payment_id: null, status: null };
    }
    case 'checkout.session.completed': {
      const [row] = await sql<{ outcome: string }[]>`select private.billing_apply_checkout(${event.id}, ${object}) as outcome`;
      return {
        handled: true,
        outcome: row!.outcome,
        payment_id: null,
        status: null,
        subscription_id: String((event.data.object as { subscription?: unknown }).subscription ?? '') || null,
      };
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const [row] = await sql<{ outcome: string; subscription_id: string | null; status: string | null }[]>`
        select r.outcome, r.subscription_id, r.status from private.billing_apply_subscription(${event.id}, ${event.type}, ${created}, ${object}) r`;
      return { handled: true, outcome: row!.outcome, payment_id: null, status: row!.status, subscription_id: row!.subscription_id };
    }
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const [row] = await sql<{ outcome: string; subscription_id: string | null; status: string | null; points: number }[]>`
        select r.outcome, r.subscription_id, r.status, r.points from private.billing_apply_invoice(${event.id}, ${event.type}, ${created}, ${object}) r`;
      return { handled: true, outcome: row!.outcome, payment_id: null, status: row!.status, subscription_id: row!.subscription_id, points: row!.points };
    }
    default:
      return { handled: false, outcome: 'ignored', payment_id: null, status: null };
  }
}
