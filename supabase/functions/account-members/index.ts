/** Entry point of `account-members`; the logic lives in handler.ts so tests can call it. */
import { handleAccountMembers } from './handler.ts';

Deno.serve(handleAccountMembers);
