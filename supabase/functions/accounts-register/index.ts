/** Entry point of `accounts-register`; the logic lives in handler.ts so tests can call it. */
import { instrument } from '../_shared/request-metrics.ts';
import { handleAccountsRegister } from './handler.ts';

Deno.serve(instrument('accounts-register', handleAccountsRegister));
