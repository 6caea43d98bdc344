/**
 * Settings of the local auth server, derived once at start-up from the stack configuration
 * (`supabase/config.toml` via `loadStackConfig`) so that no request ever parses configuration.
 *
 * Environment overrides (for the stack orchestrator and the test harness):
 * - `STACK_PROFILE`: `dev` (default) or `test`; picks ports and the bcrypt cost.
 * - `STACK_AUTH_RATE_LIMIT=off`: disables every rate limit (request and e-mail).
 * - `STACK_AUTH_PORT`: listen on this port instead of `ports.auth` (0: any free port; a second instance in a test).
 * - `STACK_AUTH_ENABLE_CONFIRMATIONS=true|false`: overrides `[auth.email] enable_confirmations`.
 * - `STACK_AUTH_EMAIL_SENT=<n>`: overrides `[auth.rate_limit] email_sent` (mails per hour).
 * - `STACK_AUTH_REQUIRE_CURRENT_PASSWORD=true|false`: overrides `[auth.email] require_current_password`.
 * - `STACK_AUTH_SIGNING_KEYS_PATH`: overrides `[auth] signing_keys_path` (JSON array of private JWKs).
 * - `STACK_AUTH_LOG=quiet`: no per-request error logging.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { loadStackConfig, supabaseDir, type StackConfig } from '../stack/config.ts';
import { loadMailSettings, type MailSettings } from './mail/mailer.ts';

/** Every value the auth server reads while serving requests. */
export interface AuthConfig {
  profile: 'dev' | 'test';
  host: string;
  port: number;
  /** Public URL of this server (`<api>/auth/v1`): the JWT `iss` and the base of e-mailed links. */
  externalUrl: string;
  siteUrl: string;
  /** Compiled `additional_redirect_urls` patterns. */
  redirectAllowList: RegExp[];
  db: { host: string; port: number; user: string; password: string; database: string };
  jwt: {
    secret: string;
    expirySeconds: number;
    aud: string;
    defaultRole: string;
    adminRoles: string[];
    /** Absolute path of the private JWK array, or '' for HS256 signing. */
    signingKeysPath: string;
  };
  disableSignup: boolean;
  anonymousSignIns: boolean;
  emailProviderEnabled: boolean;
  /** `GOTRUE_MAILER_AUTOCONFIRM`: sign-ups are confirmed at once (no e-mail). */
  mailerAutoconfirm: boolean;
  secureEmailChange: boolean;
  /** `GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION`: a nonce for password changes on sessions older than 24 h. */
  securePasswordChange: boolean;
  /**
   * `GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_CURRENT_PASSWORD` (`[auth.email] require_current_password`):
   * a password change needs `current_password`, unless the session came from an e-mailed code or link.
   */
  requireCurrentPassword: boolean;
  /** Minimum seconds between two e-mails of one kind to one user (`max_frequency`). */
  mailMaxFrequencySeconds: number;
  otpLength: number;
  otpExpirySeconds: number;
  /** PKCE flow states older than this are refused. */
  flowStateExpirySeconds: number;
  refreshTokenRotation: boolean;
  refreshTokenReuseIntervalSeconds: number;
  /** `[auth.sessions] timebox` / `inactivity_timeout` (GOTRUE_SESSIONS_TIMEBOX / _INACTIVITY_TIMEOUT), seconds; 0 = off. */
  sessions: { timeboxSeconds: number; inactivityTimeoutSeconds: number };
  password: { minLength: number; requiredCharacterSets: string[] };
  bcryptCost: number;
  rateLimit: {
    enabled: boolean;
    emailSentPerHour: number;
    tokenPer5Min: number;
    otpPer5Min: number;
    verifyPer5Min: number;
    anonymousPerHour: number;
  };
  /** Auth's SMTP server, sender and templates (`src/auth/mail`). */
  mail: MailSettings;
  logErrors: boolean;
}

/** Character sets of `[auth] password_requirements`, as the Supabase CLI maps them. */
const PASSWORD_REQUIREMENTS: Record<string, string[]> = {
  '': [],
  letters_digits: ['abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789'],
  lower_upper_letters_digits: ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789'],
  lower_upper_letters_digits_symbols: ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789', '!@#$%^&*()_+-=[]{};\'\\:"|<>?,./`~'],
};

/** Parses a Go duration such as `1s`, `1m30s` or `300ms` into seconds (used for `max_frequency`). */
export function parseGoDurationSeconds(value: string): number {
  const ms = parseGoDuration(value);
  if (ms === undefined) throw new Error(`invalid duration ${JSON.stringify(value)}`);
  return ms / 1000;
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's `time.ParseDuration`, in milliseconds; `undefined` when the text is not a duration. */
export function parseGoDuration(value: string): number | undefined {
  let rest = value;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  const part = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (rest.length > 0) {
    const match = part.exec(rest);
    if (!match || (match[1] === '' && (match[2] ?? '') === '')) return undefined;
    const whole = match[1] === '' ? 0 : Number(match[1]);
    const fraction = match[2] ? Number(`0.${match[2]}`) : 0;
    total += (whole + fraction) * DURATION_UNITS[match[3]!]!;
    rest = rest.slice(match[0].length);
  }
  return sign * total;
}

/** Compiles a redirect allow-list glob the way GoTrue does: `*` stops at `.` and `/`, `**` does not. */
export function compileRedirectPattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (ch === '*') {
      source += '[^./]*';
    } else if (ch === '?') {
      source += '[^./]';
    } else {
      source += ch.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

function envBool(name: string): boolean | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  return raw === 'true' || raw === '1' || raw === 'on';
}

/** Builds the auth server's configuration from the stack configuration and the environment. */
export function loadAuthConfig(stack: StackConfig = loadStackConfig(readProfile())): AuthConfig {
  const auth = stack.auth;
  const portOverride = process.env.STACK_AUTH_PORT ? Number(process.env.STACK_AUTH_PORT) : undefined;
  if (portOverride !== undefined && (!Number.isInteger(portOverride) || portOverride < 0 || portOverride > 65535)) {
    throw new Error(`STACK_AUTH_PORT=${process.env.STACK_AUTH_PORT} is not a valid port number`);
  }
  const signingKeysPath = process.env.STACK_AUTH_SIGNING_KEYS_PATH ?? auth.signingKeysPath;
  const requirements = PASSWORD_REQUIREMENTS[auth.passwordRequirements];
  if (requirements === undefined) {
    throw new Error(`[auth] password_requirements = "${auth.passwordRequirements}" is not a known setting`);
  }
  const enableConfirmations = envBool('STACK_AUTH_ENABLE_CONFIRMATIONS') ?? auth.email.enableConfirmations;
  return {
    profile: stack.profile,
    host: '127.0.0.1',
    port: portOverride ?? stack.ports.auth,
    externalUrl: `${stack.apiUrl}/auth/v1`,
    siteUrl: auth.siteUrl,
    redirectAllowList: auth.additionalRedirectUrls.map(compileRedirectPattern),
    db: {
      host: '127.0.0.1',
      port: stack.ports.db,
      user: 'supabase_auth_admin',
      password: stack.dbPassword,
      database: 'postgres',
    },
    jwt: {
      secret: stack.keys.jwtSecret,
      expirySeconds: auth.jwtExpiry,
      aud: 'authenticated',
      defaultRole: 'authenticated',
      adminRoles: ['service_role'],
      signingKeysPath: signingKeysPath ? path.resolve(supabaseDir, signingKeysPath) : '',
    },
    disableSignup: !auth.enableSignup,
    anonymousSignIns: auth.enableAnonymousSignIns,
    emailProviderEnabled: auth.email.enableSignup,
    mailerAutoconfirm: !enableConfirmations,
    secureEmailChange: auth.email.doubleConfirmChanges,
    securePasswordChange: auth.email.securePasswordChange,
    requireCurrentPassword: envBool('STACK_AUTH_REQUIRE_CURRENT_PASSWORD') ?? emailSetting('require_current_password') === true,
    mailMaxFrequencySeconds: parseGoDurationSeconds(auth.email.maxFrequency),
    otpLength: auth.email.otpLength,
    otpExpirySeconds: auth.email.otpExpiry,
    flowStateExpirySeconds: 300,
    refreshTokenRotation: auth.enableRefreshTokenRotation,
    refreshTokenReuseIntervalSeconds: auth.refreshTokenReuseInterval,
    sessions: {
      timeboxSeconds: sessionDuration('timebox'),
      inactivityTimeoutSeconds: sessionDuration('inactivity_timeout'),
    },
    password: { minLength: auth.minimumPasswordLength, requiredCharacterSets: requirements },
    bcryptCost: stack.bcryptCost,
    rateLimit: {
      enabled: process.env.STACK_AUTH_RATE_LIMIT !== 'off',
      emailSentPerHour: process.env.STACK_AUTH_EMAIL_SENT ? Number(process.env.STACK_AUTH_EMAIL_SENT) : auth.rateLimit.emailSent,
      tokenPer5Min: auth.rateLimit.tokenRefresh,
      otpPer5Min: auth.rateLimit.signInSignUps,
      verifyPer5Min: auth.rateLimit.tokenVerifications,
      anonymousPerHour: auth.rateLimit.anonymousUsers,
    },
    mail: loadMailSettings(stack),
    logErrors: process.env.STACK_AUTH_LOG !== 'quiet',
  };
}

/** A raw `[auth.email]` key of `supabase/config.toml` that the stack configuration does not carry. */
function emailSetting(name: string): unknown {
  const toml = parse(readFileSync(path.join(supabaseDir, 'config.toml'), 'utf8')) as {
    auth?: { email?: Record<string, unknown> };
  };
  return toml.auth?.email?.[name];
}

/** `[auth.sessions] <name>` of `supabase/config.toml` (a Go duration such as "168h") in seconds; 0 when absent. */
function sessionDuration(name: 'timebox' | 'inactivity_timeout'): number {
  const toml = parse(readFileSync(path.join(supabaseDir, 'config.toml'), 'utf8')) as {
    auth?: { sessions?: Record<string, unknown> };
  };
  const value = toml.auth?.sessions?.[name];
  if (value === undefined || value === '' || value === 0) return 0;
  if (typeof value !== 'string') throw new Error(`[auth.sessions] ${name} must be a duration such as "24h"`);
  return parseGoDurationSeconds(value);
}

/** `STACK_PROFILE` as a stack profile; anything but `test` means `dev`. */
export function readProfile(): 'dev' | 'test' {
  return process.env.STACK_PROFILE === 'test' ? 'test' : 'dev';
}
