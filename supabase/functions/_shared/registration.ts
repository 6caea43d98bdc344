/**
 * Registration shared by `register-client`, `register-tool-creator` and `register-admin`: create the
 * Auth user through the Auth admin API (so e-mail confirmation follows the project's settings), then
 * set the profile's role, username and phone in one statement. If anything fails after the Auth user
 * exists, the user is deleted again: a registration either completes or leaves nothing behind.
 */
import type { User } from '@supabase/supabase-js';
import { preflight } from './cors.ts';
import { database } from './database.ts';
import { errorResponse, HttpError } from './errors.ts';
import { idempotent } from './idempotency.ts';
import { enforceRateLimit, limitFromEnv } from './rate-limit.ts';
import { allowMethods, clientIp, forwardedHeaders, readBody } from './request.ts';
import { registrationSchema, type PlatformRole } from './schemas/identity.ts';
import { authRequest, mailerAutoconfirm, serviceClient } from './supabase.ts';

/** What every registration path needs. Without `password` the user is invited by e-mail instead. */
export interface Registration {
  email: string;
  password?: string | undefined;
  first_name: string;
  last_name: string;
  username?: string | undefined;
  phone?: string | undefined;
  redirect_to?: string | undefined;
}

/** The answer of a registration function (201). */
export interface Registered {
  user: { id: string; email: string; email_confirmed_at: string | null; invited_at: string | null };
  profile: Record<string, unknown>;
}

const emailTaken = () =>
  new HttpError('email_taken', 'An account with this e-mail address already exists', {
    fieldErrors: { email: ['Already registered'] },
    formErrors: [],
  });
const usernameTaken = () =>
  new HttpError('username_taken', 'This username is taken', { fieldErrors: { username: ['Already taken'] }, formErrors: [] });

/** 409 before creating anything when the e-mail or username is already in use (the database re-checks). */
async function assertAvailable(email: string, username: string | undefined): Promise<void> {
  const sql = database();
  const [taken] = await sql<{ email: boolean; username: boolean }[]>`
    select exists (select 1 from auth.users
                    where instance_id = '00000000-0000-0000-0000-000000000000' and lower(email) = ${email}) as email,
           exists (select 1 from public.profiles where lower(username) = lower(${username ?? null})) as username`;
  if (taken?.email) throw emailTaken();
  if (taken?.username) throw usernameTaken();
}

/** Creates (or invites) the Auth user; maps Auth's refusals to our error codes. */
async function createAuthUser(request: Request, input: Registration, autoconfirm: boolean): Promise<User> {
  const admin = serviceClient(forwardedHeaders(request)).auth.admin;
  const metadata = { first_name: input.first_name, last_name: input.last_name };
  const { data, error } = input.password === undefined
    ? await admin.inviteUserByEmail(input.email, { data: metadata, ...(input.redirect_to ? { redirectTo: input.redirect_to } : {}) })
    : await admin.createUser({ email: input.email, password: input.password, email_confirm: autoconfirm, user_metadata: metadata });
  if (error || !data.user) {
    if (error?.code === 'email_exists' || error?.code === 'user_already_exists') throw emailTaken();
    if (error?.code === 'weak_password') {
      throw new HttpError('validation_failed', 'Some fields are not valid', { fieldErrors: { password: [error.message] }, formErrors: [] });
    }
    throw new Error(`Auth refused to create the user: ${error?.status} ${error?.code} ${error?.message}`);
  }
  return data.user;
}

/** Deletes a half-registered user: through the Auth admin API, else directly (cascades to the profile). */
async function removeUser(userId: string): Promise<void> {
  const { error } = await serviceClient().auth.admin.deleteUser(userId);
  if (!error) return;
  console.error(`registration: Auth could not delete half-registered user ${userId}: ${error.message}`);
  await database()`delete from auth.users where id = ${userId}`;
}

/** Registers a user with `role`; answers the Auth user and the profile. */
export async function register(request: Request, input: Registration, role: PlatformRole): Promise<Registered> {
  const email = input.email.toLowerCase();
  await assertAvailable(email, input.username);
  const autoconfirm = await mailerAutoconfirm();
  const user = await createAuthUser(request, { ...input, email }, autoconfirm);

  let profile: Record<string, unknown> | undefined;
  try {
    const [row] = await database()<{ profile: Record<string, unknown> }[]>`
      update public.profiles
         set role = ${role}::public.platform_role,
             first_name = ${input.first_name},
             last_name = ${input.last_name},
             username = ${input.username ?? null},
             phone = ${input.phone ?? null}
       where id = ${user.id}
      returning to_jsonb(profiles.*) as profile`;
    if (!row) throw new Error(`no profile was created for auth user ${user.id}`);
    profile = row.profile;
  } catch (error) {
    await removeUser(user.id);
    const pg = error as { code?: string; constraint_name?: string };
    if (pg.code === '23505' && pg.constraint_name === 'profiles_username_key') throw usernameTaken();
    throw error;
  }

  if (input.password !== undefined && !autoconfirm) {
    // Confirmations are on: the user was created unconfirmed; send the confirmation e-mail.
    const sent = await authRequest('/resend', { method: 'POST', body: { type: 'signup', email }, headers: forwardedHeaders(request) });
    if (sent.status >= 400) console.error(`registration: confirmation e-mail for ${user.id} failed: ${sent.status} ${sent.body.message ?? ''}`);
  }

  return {
    user: {
      id: user.id,
      email,
      email_confirmed_at: user.email_confirmed_at ?? null,
      invited_at: user.invited_at ?? null,
    },
    profile,
  };
}

/** The handler of a public self-registration function (`register-client`, `register-tool-creator`). */
export function selfRegistrationHandler(name: string, role: Exclude<PlatformRole, 'admin'>): (request: Request) => Promise<Response> {
  const limit = limitFromEnv('registration', 'REGISTRATION_RATE_LIMIT', 20, 3600);
  return async (request) => {
    if (request.method === 'OPTIONS') return preflight();
    try {
      allowMethods(request, 'POST');
      const input = await readBody(request, registrationSchema);
      await enforceRateLimit(limit, clientIp(request));
      return await idempotent(request, `${name}:anonymous`, input, async () => ({
        status: 201,
        body: await register(request, input, role),
      }));
    } catch (error) {
      return errorResponse(error);
    }
  };
}
