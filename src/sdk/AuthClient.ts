/**
 * `kit.auth`: everything about who you are — registration (client, tool creator, B2C sign-up), sign-in
 * and sessions, passwords (change, reset by e-mail, set-up for invited users), the platform role in the
 * token, devices and the waitlist. It wraps supabase-js's auth (still there as `kit.supabase.auth`) so
 * that every call answers `{ data, error }` with an `SdkError`.
 */
import type { AuthChangeEvent, Session, SupabaseClient, Subscription, User } from '@supabase/supabase-js';
import {
  changePasswordSchema,
  newPasswordSchema,
  passwordResetRequestSchema,
  platformRoles,
  registrationSchema,
  waitlistJoinSchema,
  type ChangePasswordInput,
  type NewPasswordInput,
  type PasswordResetRequestInput,
  type PlatformRole,
  type RegistrationInput,
  type WaitlistJoinInput,
} from '../../supabase/functions/_shared/schemas/identity.ts';
import type { Database } from './database.types.ts';
import { DevicesClient } from './DevicesClient.ts';
import { errorFromAuth, errorFromPostgrest, type Result, type AuthErrorCode, type FunctionErrorCodes } from './errors.ts';
import { invokeMutation, type MutationOptions } from './functions.ts';
import type { Profile } from './ProfilesClient.ts';
import { decodeClaims } from './session.ts';
import { parseInput } from './validation.ts';

export type { ChangePasswordInput, NewPasswordInput, PasswordResetRequestInput, RegistrationInput, WaitlistJoinInput };

/** What a registration function answers. */
export interface RegisteredUser {
  user: { id: string; email: string; email_confirmed_at: string | null; invited_at: string | null };
  profile: Profile;
}

/** A registration, plus the session when the new user could be signed in right away. */
export interface Registration extends RegisteredUser {
  /** Null when the e-mail address must be confirmed first (confirmations on), or `signIn: false`. */
  session: Session | null;
}

/** Options of the registration calls. */
export interface RegisterOptions extends MutationOptions {
  /** Sign the new user in on this client once registered (default true). */
  signIn?: boolean;
}

/** A signed-in session and its user. */
export interface SignedIn {
  user: User;
  session: Session;
}

/** The platform role an access token carries in `app_metadata.role`, if any. */
function roleClaim(accessToken: string): PlatformRole | undefined {
  const role = (decodeClaims(accessToken)?.app_metadata as { role?: unknown } | undefined)?.role;
  return platformRoles.includes(role as PlatformRole) ? (role as PlatformRole) : undefined;
}

export class AuthClient {
  /** The signed-in user's devices. */
  readonly devices: DevicesClient;

  constructor(private readonly supabase: SupabaseClient<Database>) {
    this.devices = new DevicesClient(supabase);
  }

  /**
   * Registers a client (the marketplace persona that uses tools) and signs them in.
   * Fails with `validation_failed` (see `error.details.fieldErrors`), `email_taken`, `username_taken`
   * or `rate_limited`.
   *
   * @example
   * const { data, error } = await kit.auth.registerClient({
   *   email: 'ana@example.com', password: 'correct-horse-7', password_confirmation: 'correct-horse-7',
   *   first_name: 'Ana', last_name: 'Silva',
   * });
   */
  registerClient(input: RegistrationInput, options?: RegisterOptions): Promise<Result<Registration, FunctionErrorCodes['register-client'] | AuthErrorCode>>;
  registerClient(input: RegistrationInput, options: RegisterOptions = {}): Promise<Result<Registration>> {
    return this.#register('register-client', input, options);
  }

  /**
   * Registers a tool creator (publishes paid tools) and signs them in; same input and errors as
   * `registerClient`.
   *
   * @example
   * const { data, error } = await kit.auth.registerToolCreator({ email, password, password_confirmation: password, first_name: 'Theo', last_name: 'Kim' });
   */
  registerToolCreator(input: RegistrationInput, options?: RegisterOptions): Promise<Result<Registration, FunctionErrorCodes['register-tool-creator'] | AuthErrorCode>>;
  registerToolCreator(input: RegistrationInput, options: RegisterOptions = {}): Promise<Result<Registration>> {
    return this.#register('register-tool-creator', input, options);
  }

  async #register(fn: string, input: RegistrationInput, options: RegisterOptions): Promise<Result<Registration>> {
    const parsed = parseInput(registrationSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const registered = await invokeMutation<RegisteredUser>(this.supabase, fn, parsed.data, options);
    if (registered.error) return registered;
    let session: Session | null = null;
    if (options.signIn !== false && registered.data.user.email_confirmed_at) {
      const signedIn = await this.signIn({ email: parsed.data.email, password: parsed.data.password });
      if (signedIn.error) return { data: null, error: signedIn.error };
      session = signedIn.data.session;
    }
    return { data: { ...registered.data, session }, error: null };
  }

  /**
   * B2C self sign-up straight through Supabase Auth (`supabase.auth.signUp`): the user becomes a client.
   * Names, username and phone go in as metadata and land in the profile when valid (a taken username
   * is left empty). Answers the session when Auth confirms at once, else `session: null`.
   *
   * @example
   * const { data, error } = await kit.auth.signUp({ email, password, password_confirmation: password, first_name: 'Ana', last_name: 'Silva' });
   */
  signUp(input: RegistrationInput, options?: { emailRedirectTo?: string }): Promise<Result<{ user: User; session: Session | null }, AuthErrorCode>>;
  async signUp(input: RegistrationInput, options: { emailRedirectTo?: string } = {}): Promise<Result<{ user: User; session: Session | null }>> {
    const parsed = parseInput(registrationSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const { email, password, first_name, last_name, username, phone } = parsed.data;
    const { data, error } = await this.supabase.auth.signUp({
      email,
      password,
      options: { data: { first_name, last_name, username, phone }, ...(options.emailRedirectTo ? { emailRedirectTo: options.emailRedirectTo } : {}) },
    });
    if (error || !data.user) return { data: null, error: errorFromAuth(error ?? { message: 'Sign-up answered no user', status: 500 }) };
    let session = data.session;
    // Supabase Auth builds the sign-up token from its in-memory user, which never saw the role the
    // database stamped into app_metadata; one refresh gets a token that carries it.
    if (session && roleClaim(session.access_token) === undefined) {
      const refreshed = await this.supabase.auth.refreshSession();
      if (refreshed.data.session) session = refreshed.data.session;
    }
    return { data: { user: data.user, session }, error: null };
  }

  /**
   * Signs in with e-mail and password; the session stays on this client. A new device is recorded.
   *
   * @example
   * const { data, error } = await kit.auth.signIn({ email: 'admin@example.test', password: 'demo-password-1' });
   * if (error?.code === 'invalid_credentials') console.log('wrong e-mail or password');
   */
  signIn(credentials: { email: string; password: string }): Promise<Result<SignedIn, AuthErrorCode>>;
  async signIn(credentials: { email: string; password: string }): Promise<Result<SignedIn>> {
    const { data, error } = await this.supabase.auth.signInWithPassword(credentials);
    if (error) return { data: null, error: errorFromAuth(error) };
    // supabase-js types a successful sign-in's session as present; the check keeps a server that answers none from passing as signed in.
    const session = data.session as Session | null;
    if (!session) return { data: null, error: errorFromAuth({ message: 'Sign-in answered no session', status: 500 }) };
    return { data: { user: data.user, session }, error: null };
  }

  /**
   * Signs out: `local` this session only, `global` (default, as supabase-js) every session,
   * `others` all but this one.
   *
   * @example
   * const { error } = await kit.auth.signOut({ scope: 'local' });
   */
  signOut(options?: { scope?: 'global' | 'local' | 'others' }): Promise<Result<null, AuthErrorCode>>;
  async signOut(options: { scope?: 'global' | 'local' | 'others' } = {}): Promise<Result<null>> {
    const { error } = await this.supabase.auth.signOut(options);
    if (error) return { data: null, error: errorFromAuth(error) };
    return { data: null, error: null };
  }

  /**
   * The current session (refreshed first if it is about to expire), or null.
   *
   * @example
   * const { data: session } = await kit.auth.getSession();
   */
  getSession(): Promise<Result<Session | null, never>>;
  async getSession(): Promise<Result<Session | null>> {
    const { data, error } = await this.supabase.auth.getSession();
    if (error) return { data: null, error: errorFromAuth(error) };
    return { data: data.session, error: null };
  }

  /**
   * Gets a new access token now, e.g. to pick up a changed platform role without waiting for expiry.
   *
   * @example
   * await kit.admin.users.setRole(userId, { role: 'tool_creator' }); // as an admin, elsewhere
   * const { data } = await kit.auth.refreshSession();      // as that user: the token now says tool_creator
   */
  refreshSession(): Promise<Result<Session, AuthErrorCode>>;
  async refreshSession(): Promise<Result<Session>> {
    const { data, error } = await this.supabase.auth.refreshSession();
    if (error || !data.session) return { data: null, error: errorFromAuth(error ?? { message: 'No session to refresh', status: 401 }) };
    return { data: data.session, error: null };
  }

  /**
   * The platform role in the current access token (`app_metadata.role`), read without a request; null
   * when signed out. For display and routing: the database decides every privileged check, and a
   * changed role shows here after the next refresh.
   *
   * @example
   * const { data: role } = await kit.auth.role();
   * if (role === 'admin') showAdminMenu();
   */
  role(): Promise<Result<PlatformRole | null, never>>;
  async role(): Promise<Result<PlatformRole | null>> {
    const session = await this.getSession();
    if (session.error) return session;
    if (!session.data) return { data: null, error: null };
    const role = roleClaim(session.data.access_token);
    if (role !== undefined) return { data: role, error: null };
    // A token issued before the role was stamped (see signUp): ask the database once.
    const { data, error, status } = await this.supabase.from('profiles').select('role').eq('id', session.data.user.id).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data?.role ?? null, error: null };
  }

  /**
   * Subscribes to sign-in, sign-out, refresh and password-recovery events (supabase-js's listener).
   *
   * @example
   * const { data } = kit.auth.onAuthStateChange((event, session) => console.log(event));
   * data.subscription.unsubscribe();
   */
  onAuthStateChange(callback: (event: AuthChangeEvent, session: Session | null) => void): { data: { subscription: Subscription } } {
    return this.supabase.auth.onAuthStateChange(callback);
  }

  /**
   * Changes the signed-in user's password: checks the current one, keeps this session and ends the
   * user's other sessions. On a session more than a day old, send the code `reauthenticate()` mailed
   * as `nonce`. Errors: `invalid_current_password`, `reauthentication_needed`, `validation_failed`,
   * `rate_limited`.
   *
   * @example
   * const { error } = await kit.auth.changePassword({ current_password: old, password: next, password_confirmation: next });
   */
  changePassword(input: ChangePasswordInput, options?: MutationOptions): Promise<Result<{ password_changed: true }, FunctionErrorCodes['change-password']>>;
  async changePassword(input: ChangePasswordInput, options: MutationOptions = {}): Promise<Result<{ password_changed: true }>> {
    const parsed = parseInput(changePasswordSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation(this.supabase, 'change-password', parsed.data, options);
  }

  /**
   * E-mails the signed-in user a one-time code that `changePassword` needs as `nonce` when the session
   * is more than a day old (Auth's "secure password change"). Answers the same whatever happens next.
   *
   * @example
   * const { error } = await kit.auth.reauthenticate();
   * // then: kit.auth.changePassword({ current_password, password, password_confirmation: password, nonce: codeFromMail })
   */
  reauthenticate(): Promise<Result<null, AuthErrorCode>>;
  async reauthenticate(): Promise<Result<null>> {
    const { error } = await this.supabase.auth.reauthenticate();
    if (error) return { data: null, error: errorFromAuth(error) };
    return { data: null, error: null };
  }

  /**
   * E-mails a password-reset link (through Supabase Auth). Answers the same whether or not the
   * address has an account. The link lands on `redirect_to` (or the site URL) with a recovery session.
   *
   * @example
   * const { error } = await kit.auth.requestPasswordReset({ email: 'ana@example.com', redirect_to: 'https://app.example.com/reset' });
   */
  requestPasswordReset(input: PasswordResetRequestInput): Promise<Result<null, AuthErrorCode>>;
  async requestPasswordReset(input: PasswordResetRequestInput): Promise<Result<null>> {
    const parsed = parseInput(passwordResetRequestSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const { error } = await this.supabase.auth.resetPasswordForEmail(parsed.data.email, parsed.data.redirect_to ? { redirectTo: parsed.data.redirect_to } : {});
    if (error) return { data: null, error: errorFromAuth(error) };
    return { data: null, error: null };
  }

  /**
   * Completes a password reset: with `token_hash` (from the e-mailed link) it verifies the link first;
   * without, it uses the recovery session the link already opened on this client. Signs the user in.
   * Errors: `otp_expired` (link used or expired), `validation_failed`, `unauthorized` (no session).
   *
   * @example
   * const { data, error } = await kit.auth.completePasswordReset({ token_hash, password: next, password_confirmation: next });
   */
  completePasswordReset(input: NewPasswordInput): Promise<Result<SignedIn, AuthErrorCode>>;
  completePasswordReset(input: NewPasswordInput): Promise<Result<SignedIn>> {
    return this.#setPasswordWithLink('recovery', input);
  }

  /**
   * Sets the first password of an invited user (an admin created them without one): with `token_hash`
   * from the invite e-mail, or on the session the invite link opened. Signs the user in.
   *
   * @example
   * const { data, error } = await kit.auth.setUpPassword({ token_hash, password, password_confirmation: password });
   */
  setUpPassword(input: NewPasswordInput): Promise<Result<SignedIn, AuthErrorCode>>;
  setUpPassword(input: NewPasswordInput): Promise<Result<SignedIn>> {
    return this.#setPasswordWithLink('invite', input);
  }

  async #setPasswordWithLink(type: 'recovery' | 'invite', input: NewPasswordInput): Promise<Result<SignedIn>> {
    const parsed = parseInput(newPasswordSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    if (parsed.data.token_hash) {
      const { error } = await this.supabase.auth.verifyOtp({ token_hash: parsed.data.token_hash, type });
      if (error) return { data: null, error: errorFromAuth(error) };
    }
    const { data, error } = await this.supabase.auth.updateUser({ password: parsed.data.password });
    if (error) return { data: null, error: errorFromAuth(error) };
    const session = await this.supabase.auth.getSession();
    if (session.error || !session.data.session) {
      return { data: null, error: errorFromAuth(session.error ?? { message: 'No session after setting the password', status: 401 }) };
    }
    return { data: { user: data.user, session: session.data.session }, error: null };
  }

  /**
   * Puts an e-mail address on the pre-registration waitlist (no account needed). The answer is the same
   * for a new and an already listed address; `rate_limited` when one client sends too many.
   *
   * @example
   * const { error } = await kit.auth.joinWaitlist({ email: 'early@example.com', source: 'landing-page' });
   */
  joinWaitlist(input: WaitlistJoinInput, options?: MutationOptions): Promise<Result<{ status: 'joined' }, FunctionErrorCodes['waitlist']>>;
  async joinWaitlist(input: WaitlistJoinInput, options: MutationOptions = {}): Promise<Result<{ status: 'joined' }>> {
    const parsed = parseInput(waitlistJoinSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    return invokeMutation(this.supabase, 'waitlist', parsed.data, options);
  }
}
