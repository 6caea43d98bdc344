/** Entry point of `account-batches`; the logic lives in handler.ts so tests can call it. */
import { instrument } from '../_shared/request-metrics.ts';
import { handleAccountBatches } from './handler.ts';

Deno.serve(instrument('account-batches', handleAccountBatches));
