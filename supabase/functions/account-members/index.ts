/** Entry point of `account-members`; the logic lives in handler.ts so tests can call it. */
import { instrument } from '../_shared/request-metrics.ts';
import { handleAccountMembers } from './handler.ts';

Deno.serve(instrument('account-members', handleAccountMembers));
