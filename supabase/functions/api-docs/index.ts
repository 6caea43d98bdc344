/** Entry point of `api-docs`; the logic lives in handler.ts so tests can call it. */
import { instrument } from '../_shared/request-metrics.ts';
import { handleApiDocs } from './handler.ts';

Deno.serve(instrument('api-docs', handleApiDocs));
