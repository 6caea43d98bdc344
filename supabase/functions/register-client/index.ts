/**
 * `POST /functions/v1/register-client` (public): sign up as a client with e-mail, password and its
 * confirmation, first and last name, and optionally a username and phone. 201 `{user, profile}`;
 * the SDK then signs the new user in. 400 field details, 409 `email_taken` / `username_taken`,
 * 429 when one address registers too often. Accepts `Idempotency-Key`.
 */
import { selfRegistrationHandler } from '../_shared/registration.ts';
import { instrument } from '../_shared/request-metrics.ts';

export const handleRegisterClient = selfRegistrationHandler('register-client', 'client');

Deno.serve(instrument('register-client', handleRegisterClient));
