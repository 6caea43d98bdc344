/** Entry point of `accounts-review`; the logic lives in handler.ts so tests can call it. */
import { instrument } from '../_shared/request-metrics.ts';
import { handleAccountsReview } from './handler.ts';

Deno.serve(instrument('accounts-review', handleAccountsReview));
