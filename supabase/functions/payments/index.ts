/** Entry point of the `payments` function; the logic lives in handler.ts and service.ts so tests can call it. */
import { instrument } from '../_shared/request-metrics.ts';
import { handlePayments } from './handler.ts';

Deno.serve(instrument('payments', handlePayments));
