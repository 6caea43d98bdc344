/** Entry point of `accounts-review`; the logic lives in handler.ts so tests can call it. */
import { handleAccountsReview } from './handler.ts';

Deno.serve(handleAccountsReview);
