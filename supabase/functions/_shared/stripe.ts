/**
 * Stripe for functions: the API client (stripe-node on `fetch`, so it runs on Deno and the edge) and
 * the webhook signature check. Keys come from the environment: `STRIPE_SECRET_KEY` for API calls,
 * `STRIPE_WEBHOOK_SECRET` for webhooks; `STRIPE_API_HOST`/`PORT`/`PROTOCOL` point the client at
 * another server (the local fake Stripe in tests). Without a key the payment endpoints answer 503
 * `payments_not_configured` naming the variable to set; nothing else depends on Stripe.
 */
import Stripe from 'stripe';
import { HttpError } from './errors.ts';

/** Webhook signatures older (or newer) than this are refused, as Stripe's own default. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

function required(name: 'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET'): string {
  const value = Deno.env.get(name)?.trim();
  if (!value) {
    throw new HttpError('payments_not_configured', `Payments are not configured: set ${name} in the functions' environment (supabase/functions/.env, or supabase secrets set)`);
  }
  return value;
}

let cached: { key: string; client: Stripe } | undefined;

/** The Stripe API client, built once per key. 503 `payments_not_configured` without STRIPE_SECRET_KEY. */
export function stripeClient(): Stripe {
  const key = required('STRIPE_SECRET_KEY');
  if (cached?.key === key) return cached.client;
  const host = Deno.env.get('STRIPE_API_HOST');
  const port = Deno.env.get('STRIPE_API_PORT');
  const protocol = Deno.env.get('STRIPE_API_PROTOCOL');
  const client = new Stripe(key, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'supabase-backend-kit' },
    ...(host ? { host } : {}),
    ...(port ? { port: Number(port) } : {}),
    ...(protocol === 'http' || protocol === 'https' ? { protocol } : {}),
  });
  cached = { key, client };
  return client;
}

/** The webhook signing secret. 503 `payments_not_configured` without STRIPE_WEBHOOK_SECRET. */
export function webhookSecret(): string {
  return required('STRIPE_WEBHOOK_SECRET');
}

const cryptoProvider = Stripe.createSubtleCryptoProvider();

/**
 * Verifies a webhook's `Stripe-Signature` over the raw body with Stripe's own code (HMAC-SHA256,
 * timing-safe, 300 s tolerance) and returns the event. 400 `invalid_signature` when it does not hold.
 */
export async function verifyWebhook(rawBody: string, signature: string | null, secret: string): Promise<Stripe.Event> {
  if (!signature) throw new HttpError('invalid_signature', 'The Stripe-Signature header is missing');
  try {
    return await Stripe.webhooks.constructEventAsync(rawBody, signature, secret, WEBHOOK_TOLERANCE_SECONDS, cryptoProvider);
  } catch (error) {
    // Stripe's messages are specific and safe ("Timestamp outside the tolerance zone", "No signatures found…").
    const message = error instanceof Error ? error.message.split('\n')[0] : 'The signature does not match';
    throw new HttpError('invalid_signature', `The webhook signature was refused: ${message}`);
  }
}

export { Stripe };
