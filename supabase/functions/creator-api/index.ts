/** Entry point of the `creator-api` function; the logic lives in handler.ts so tests can call it. */
import { handleCreatorApi } from './handler.ts';

Deno.serve(handleCreatorApi);
