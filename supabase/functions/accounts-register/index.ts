/** Entry point of `accounts-register`; the logic lives in handler.ts so tests can call it. */
import { handleAccountsRegister } from './handler.ts';

Deno.serve(handleAccountsRegister);
