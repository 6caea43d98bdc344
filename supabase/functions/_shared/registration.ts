/**
 * Registration shared by `register-client`, `register-tool-creator` and `register-admin`: create the
 * Auth user through the Auth admin API (so e-mail confirmation follows the project's settings), then
 * set the profile's role, username and phone in one statement. If anything fails after the Auth user
 * exists, the user is deleted again: a registration either completes or leaves nothing behind. With
 * e-mail confirmations on, a public registration of an address that already has an account answers as
 * for a new one and tells the mailbox owner instead (no `email_taken`: that would enumerate users).
 */
import type { User } from '@supabase/supabase-js';
import { preflight } from './cors.ts';
import { sendNotice } from './mailbox.ts';
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
const usernameTaken = () => new HttpError('username_taken', 'This username is taken', { fieldErrors: { username: ['Already taken'] }, formErrors: [] });

/** The Auth user already holding an address, if any. */
interface ExistingUser {
  id: string;
  confirmed: boolean;
  has_password: boolean;
}

/**
 * 409 `username_taken` before creating anything (usernames are public handles, shown to other users, so
 * their uniqueness may be answered); the user already holding the e-mail address, if any (the database
 * re-checks both at insert).
 */
async function lookUp(email: string, username: string | undefined): Promise<ExistingUser | undefined> {
  const sql = database();
  const [taken] = await sql<{ username: boolean; id: string | null; confirmed: boolean | null; has_password: boolean | null }[]>`
    select exists (select 1 from public.profiles where lower(username) = lower(${username ?? null})) as username,
           u.id, u.email_confirmed_at is not null as confirmed, coalesce(u.encrypted_password, '') <> '' as has_password
      from (select 1) as one
      left join auth.users u
        on u.instance_id = '00000000-0000-0000-0000-000000000000' and lower(u.email) = ${email}`;
  if (taken?.username) throw usernameTaken();
  return taken?.id ? { id: taken.id, confirmed: taken.confirmed === true, has_password: taken.has_password === true } : undefined;
}

/**
 * A self-registration for an address that already has an account answers exactly as a new one (201,
 * same shape, a made-up id, unconfirmed) so the endpoint does not tell who has an account. The owner of
 * the mailbox is the one told: a confirmed owner gets a notice; a pending sign-up or invitation gets
 * its confirmation again. A pending sign-up whose password differs from this one keeps neither (an
 * unproven sign-up must not decide the password the owner will use): it gets a random one, and the
 * confirmation link signs the owner in to set their own.
 */
async function answerForTakenAddress(request: Request, input: Registration, email: string, role: PlatformRole, existing: ExistingUser): Promise<Registered> {
  if (existing.confirmed) {
    await sendNotice(
      {
        to: email,
        subject: 'Someone tried to register with your e-mail address',
        text:
          'An account with this e-mail address already exists, so nothing was created.\n\n' +
          'If this was you, sign in — or reset your password if you forgot it. If not, you can ignore this message.',
      },
      'registration_attempt',
    );
  } else {
    if (existing.has_password && input.password !== undefined) {
      const [check] = await database()<{ ok: boolean }[]>`select private.password_matches(${existing.id}, ${input.password}) as ok`;
      if (!check?.ok) {
        const { error } = await serviceClient(forwardedHeaders(request)).auth.admin.updateUserById(existing.id, { password: randomSecret() });
        if (error) console.error(`registration: could not reset the contested password of ${existing.id}: ${error.message}`);
      }
    }
    const sent = await authRequest('/resend', { method: 'POST', body: { type: 'signup', email }, headers: forwardedHeaders(request) });
    if (sent.status >= 400) console.error(`registration: confirmation e-mail for a pending address failed: ${sent.status} ${sent.body.message ?? ''}`);
  }
  const [row] = await database()<{ id: string; profile: Record<string, unknown> }[]>`
    select p.id, to_jsonb(p) as profile
      from jsonb_populate_record(null::public.profiles, jsonb_build_object(
             'id', gen_random_uuid(), 'email', ${email}::text, 'first_name', ${input.first_name}::text,
             'last_name', ${input.last_name}::text, 'username', ${input.username ?? null}::text,
             'phone', ${input.phone ?? null}::text, 'role', ${role}::text, 'locale', 'en',
             'notification_preferences', '{"email": true, "push": true, "sms": false, "marketing": false}'::jsonb,
             'created_at', now(), 'updated_at', now())) as p`;
  return {
    user: { id: row!.id, email, email_confirmed_at: null, invited_at: null },
    profile: row!.profile,
  };
}

/** A random password nobody knows (64 letters and digits). */
function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(48));
  return `A1${btoa(String.fromCharCode(...bytes))
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 62)}`;
}

/** Creates (or invites) the Auth user; maps Auth's refusals to our error codes. */
async function createAuthUser(request: Request, input: Registration, autoconfirm: boolean): Promise<User> {
  const admin = serviceClient(forwardedHeaders(request)).auth.admin;
  const metadata = { first_name: input.first_name, last_name: input.last_name };
  const { data, error } =
    input.password === undefined
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
export async function register(request: Request, input: Registration, role: PlatformRole, options: { revealTaken?: boolean } = {}): Promise<Registered> {
  const email = input.email.toLowerCase();
  const existing = await lookUp(email, input.username);
  const autoconfirm = await mailerAutoconfirm();
  if (existing) {
    // An admin may know who has an account; without confirmations a made-up answer would be found out
    // at the sign-in that follows it, so both are told plainly.
    if (options.revealTaken || autoconfirm) throw emailTaken();
    return answerForTakenAddress(request, input, email, role, existing);
  }
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
