/** Entry point of the `billing` function; the logic lives in handler.ts and service.ts so tests can call them. */
import { instrument } from '../_shared/request-metrics.ts';
import { handleBilling } from './handler.ts';

Deno.serve(instrument('billing', handleBilling));
