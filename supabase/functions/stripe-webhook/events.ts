/**
 * What each Stripe event does: one SQL function per transition, called once with the event id, so the
 * event record and the transition commit together (a duplicate delivery finds the id and does nothing;
 * a failure rolls both back and Stripe retries). Event types we do not handle change nothing.
 */
import type postgres from 'postgres';
import type { Stripe } from '../_shared/stripe.ts';
import { applyBillingEvent, BILLING_EVENT_TYPES, isBillingEvent } from './billing.ts';

/** The event types the payments module acts on. */
export const HANDLED_EVENT_TYPES = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
  ...BILLING_EVENT_TYPES,
] as const;

export interface Applied {
  /** False for a type we ignore (nothing was written). */
  handled: boolean;
  /** What the transition did: completed, failed, refunded, disputed, won, lost, duplicate, already_completed, unknown_payment, … */
  outcome: string;
  payment_id: string | null;
  status: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our payment id from an object's metadata, if it is one (anything else is not ours to cast). */
function paymentIdFrom(metadata: Stripe.Metadata | null | undefined): string | null {
  const id = metadata?.payment_id;
  return typeof id === 'string' && UUID.test(id) ? id : null;
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

type Row = { outcome: string; payment_id: string | null; status: string | null };

/** Applies one verified event in one transaction (one SQL function call). */
export async function applyStripeEvent(sql: postgres.Sql, event: Stripe.Event): Promise<Applied> {
  if (isBillingEvent(event.type)) return await applyBillingEvent(sql, event);
  let rows: Row[];
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const intent = event.data.object;
      rows = await sql<Row[]>`
        select r.outcome, (r.payment).id as payment_id, (r.payment).status::text as status
          from private.complete_payment(${paymentIdFrom(intent.metadata)}, ${intent.id}, ${intent.amount_received},
                                        ${intent.currency}, ${event.id}, ${event.type}) r`;
      break;
    }
    case 'payment_intent.payment_failed': {
      const intent = event.data.object;
      const failure = intent.last_payment_error;
      rows = await sql<Row[]>`
        select r.outcome, (r.payment).id as payment_id, (r.payment).status::text as status
          from private.fail_payment(${paymentIdFrom(intent.metadata)}, ${intent.id},
                                    ${failure?.code ?? failure?.type ?? 'payment_failed'}, ${failure?.message ?? null}, ${event.id}) r`;
      break;
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      rows = await sql<Row[]>`
        select r.outcome, (r.payment).id as payment_id, (r.payment).status::text as status
          from private.refund_payment(${paymentIdFrom(charge.metadata)}, ${idOf(charge.payment_intent)},
                                      ${charge.amount_refunded}, ${event.id}) r`;
      break;
    }
    case 'charge.dispute.created':
    case 'charge.dispute.closed': {
      // A Dispute names its charge and PaymentIntent; its metadata is the dispute's own (empty), so the
      // payment is found by the PaymentIntent. Created takes back what the payment gave; closed gives it
      // back once when won (or an inquiry closed), and keeps the reversal when lost.
      const dispute = event.data.object;
      const args = [dispute.id, idOf(dispute.charge), idOf(dispute.payment_intent), dispute.amount, dispute.currency, dispute.reason ?? null, dispute.status, event.id] as const;
      rows =
        event.type === 'charge.dispute.created'
          ? await sql<Row[]>`
            select r.outcome, (r.payment).id as payment_id, (r.payment).status::text as status
              from private.open_payment_dispute(${args[0]}, ${args[1]}, ${args[2]}, ${args[3]}, ${args[4]}, ${args[5]}, ${args[6]}, ${args[7]}) r`
          : await sql<Row[]>`
            select r.outcome, (r.payment).id as payment_id, (r.payment).status::text as status
              from private.close_payment_dispute(${args[0]}, ${args[1]}, ${args[2]}, ${args[3]}, ${args[4]}, ${args[5]}, ${args[6]}, ${args[7]}) r`;
      break;
    }
    default:
      return { handled: false, outcome: 'ignored', payment_id: null, status: null };
  }
  const row = rows[0];
  return { handled: true, outcome: row?.outcome ?? 'unknown_payment', payment_id: row?.payment_id ?? null, status: row?.status ?? null };
}
