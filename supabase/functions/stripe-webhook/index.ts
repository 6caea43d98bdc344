/** Entry point of the `stripe-webhook` function; the logic lives in handler.ts and events.ts so tests can call them. */
import { instrument } from '../_shared/request-metrics.ts';
import { handleStripeWebhook } from './handler.ts';

Deno.serve(instrument('stripe-webhook', handleStripeWebhook));
