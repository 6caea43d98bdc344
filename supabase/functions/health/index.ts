/** Entry point of the `health` function; the logic lives in handler.ts so tests can call it. */
import { instrument } from '../_shared/request-metrics.ts';
import { handleHealth } from './handler.ts';

Deno.serve(instrument('health', handleHealth));
