/**
 * `POST /functions/v1/stripe-webhook` (Stripe calls it; `verify_jwt = false`): verifies the
 * `Stripe-Signature` on the raw body with Stripe's library (300 s tolerance) and applies the event.
 * 200 `{received, handled, outcome}` for applied, duplicate and ignored events alike; 400
 * `invalid_signature` (nothing written) for a bad or stale signature; 500 when applying failed (the
 * transition was rolled back; Stripe retries, and the event is also kept in
 * private.stripe_event_failures with a `payments.reapply_stripe_event` job that re-applies it); 503
 * `payments_not_configured` without STRIPE_WEBHOOK_SECRET.
 */
import { database } from '../_shared/database.ts';
import { errorResponse, HttpError, json } from '../_shared/errors.ts';
import { verifyWebhook, webhookSecret, type Stripe } from '../_shared/stripe.ts';
import { applyStripeEvent, HANDLED_EVENT_TYPES } from './events.ts';
import type postgres from 'postgres';

/** Stripe's events are a few kB; anything this large is not from Stripe. */
export const MAX_WEBHOOK_BYTES = 512 * 1024;

/**
 * The body as text, refusing more than `max` bytes. The rest of an oversized body is still read (and
 * dropped) so the sender gets our 400 rather than a broken connection.
 */
export async function readRawBody(request: Request, max: number): Promise<string> {
  if (!request.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.byteLength;
    if (size <= max) chunks.push(chunk);
  }
  if (size > max) throw new HttpError('bad_request', `The body is larger than ${max} bytes; Stripe's events are far smaller`);
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * Applies the event; when that fails, keeps the verified event and enqueues a job to re-apply it
 * (best effort: if even that fails, Stripe's retries remain), then rethrows (500).
 */
async function applyOrKeep(sql: postgres.Sql, event: Stripe.Event) {
  try {
    return await applyStripeEvent(sql, event);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    try {
      await sql`select private.record_stripe_event_failure(${event.id}, ${event.type}, ${sql.json(event as unknown as postgres.JSONValue)}, ${message})`;
    } catch (recordError) {
      console.error(`stripe-webhook: could not keep failed event ${event.id}:`, recordError);
    }
    throw error;
  }
}

export function stripeWebhookHandler(sql: () => postgres.Sql = database) {
  return async (request: Request): Promise<Response> => {
    try {
      if (request.method !== 'POST') {
        throw new HttpError('method_not_allowed', 'Use POST', undefined, { Allow: 'POST' });
      }
      const secret = webhookSecret();
      // The signature covers the exact bytes Stripe sent: read them raw, parse only after verifying.
      const raw = await readRawBody(request, MAX_WEBHOOK_BYTES);
      const event = await verifyWebhook(raw, request.headers.get('stripe-signature'), secret);
      // Types we do not act on are acknowledged without a database round trip (nothing to write).
      const applied = (HANDLED_EVENT_TYPES as readonly string[]).includes(event.type)
        ? await applyOrKeep(sql(), event)
        : { handled: false, outcome: 'ignored', payment_id: null, status: null };
      return json({ received: true, id: event.id, type: event.type, ...applied });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export const handleStripeWebhook = stripeWebhookHandler();
