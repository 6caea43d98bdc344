/**
 * `POST /functions/v1/register-tool-creator` (public): sign up as a tool creator; the same body and
 * answers as `register-client`, with the profile's role `tool_creator`. Accepts `Idempotency-Key`.
 */
import { selfRegistrationHandler } from '../_shared/registration.ts';
import { instrument } from '../_shared/request-metrics.ts';

export const handleRegisterToolCreator = selfRegistrationHandler('register-tool-creator', 'tool_creator');

Deno.serve(instrument('register-tool-creator', handleRegisterToolCreator));
