/** Entry point of `account-batches`; the logic lives in handler.ts so tests can call it. */
import { handleAccountBatches } from './handler.ts';

Deno.serve(handleAccountBatches);
