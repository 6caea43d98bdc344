/**
 * Request shapes of the billing (subscriptions) flows, defined once with zod: the `billing` function
 * validates bodies with them and the SDK validates input with the same schemas before sending anything.
 * Pure zod, no Deno or Node APIs, so both runtimes import it. Prices are Stripe price ids from the
 * mirrored catalogue; amounts never come from the client.
 */
import { z } from 'zod';

const PRICE_FROM_CATALOGUE = 'The amount comes from the plan catalogue; do not send it';
const refused = z.undefined({ error: PRICE_FROM_CATALOGUE }).optional();

export const priceIdSchema = z.string().regex(/^price_[A-Za-z0-9_]{1,200}$/, 'Use the id of a plan price (price_…)');
const accountId = z.uuid('Use the id of a business account').optional();
const url = z.url({ protocol: /^https?$/, error: 'Use an http(s) URL' }).max(2000);

/** `POST /billing/subscribe`: a subscription for the caller (no account_id) or for an account they own. */
export const subscribeSchema = z.strictObject({
  price_id: priceIdSchema,
  account_id: accountId,
  amount: refused,
  currency: refused,
});
export type SubscribeInput = z.input<typeof subscribeSchema>;

/** `POST /billing/checkout`: the same, through a Stripe Checkout page. */
export const checkoutSchema = z.strictObject({
  price_id: priceIdSchema,
  account_id: accountId,
  success_url: url,
  cancel_url: url.optional(),
  amount: refused,
  currency: refused,
});
export type CheckoutInput = z.input<typeof checkoutSchema>;

/** `POST /billing/change`: another plan of the same kind, prorated by Stripe. */
export const changePlanSchema = z.strictObject({
  price_id: priceIdSchema,
  account_id: accountId,
});
export type ChangePlanInput = z.input<typeof changePlanSchema>;

/** `POST /billing/cancel` and `/billing/resume`: whose subscription (the caller's, or an account's). */
export const subscriberSchema = z.strictObject({
  account_id: accountId,
});
export type SubscriberInput = z.input<typeof subscriberSchema>;

/** `POST /billing/portal`. */
export const portalSchema = z.strictObject({
  account_id: accountId,
  return_url: url.optional(),
});
export type PortalInput = z.input<typeof portalSchema>;
