/** Entry point of `account-staff`; the logic lives in handler.ts so tests can call it. */
import { instrument } from '../_shared/request-metrics.ts';
import { handleAccountStaff } from './handler.ts';

Deno.serve(instrument('account-staff', handleAccountStaff));
