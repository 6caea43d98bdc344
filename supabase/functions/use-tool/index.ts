/** Entry point of the `use-tool` function; the logic lives in handler.ts so tests can call it. */
import { handleUseTool } from './handler.ts';

Deno.serve(handleUseTool);
