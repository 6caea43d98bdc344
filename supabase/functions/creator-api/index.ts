/** Entry point of the `creator-api` function; the logic lives in handler.ts so tests can call it. */
import { instrument } from '../_shared/request-metrics.ts';
import { handleCreatorApi } from './handler.ts';

Deno.serve(instrument('creator-api', handleCreatorApi));
