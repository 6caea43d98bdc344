/** Entry point of the `health` function; the logic lives in handler.ts so tests can call it. */
import { handleHealth } from './handler.ts';

Deno.serve(handleHealth);
