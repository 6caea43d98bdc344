/** Entry point of the `use-tool` function; the logic lives in handler.ts so tests can call it. */
import { instrument } from '../_shared/request-metrics.ts';
import { handleUseTool } from './handler.ts';

Deno.serve(instrument('use-tool', handleUseTool));
