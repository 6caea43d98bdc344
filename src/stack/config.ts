/**
 * The local stack's configuration: `supabase/config.toml` (the same file the Supabase CLI reads) plus
 * the few things only a Docker-free stack needs (internal ports, data folder). Every service of the
 * stack gets its settings from here, so a port or a key is decided in exactly one place.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { defaultKeys, type ApiKeys } from './keys.ts';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const supabaseDir = path.join(projectRoot, 'supabase');

/** Auth settings from `[auth]`, `[auth.email]` and `[auth.rate_limit]`, with the CLI's defaults. */
export interface AuthSettings {
  siteUrl: string;
  additionalRedirectUrls: string[];
  jwtExpiry: number;
  enableSignup: boolean;
  enableAnonymousSignIns: boolean;
  enableRefreshTokenRotation: boolean;
  refreshTokenReuseInterval: number;
  minimumPasswordLength: number;
  passwordRequirements: string;
  /** Path of a JSON array of private JWKs (ES256/RS256); empty: user tokens are signed HS256. */
  signingKeysPath: string;
  email: {
    enableSignup: boolean;
    enableConfirmations: boolean;
    doubleConfirmChanges: boolean;
    securePasswordChange: boolean;
    maxFrequency: string;
    otpLength: number;
    otpExpiry: number;
  };
  rateLimit: {
    emailSent: number;
    tokenRefresh: number;
    signInSignUps: number;
    tokenVerifications: number;
    anonymousUsers: number;
  };
}

export interface FunctionSettings {
  name: string;
  enabled: boolean;
  verifyJwt: boolean;
}

/**
 * Ports of one stack instance. `api`, `db` and `mailbox` are public (the Supabase CLI's numbers); the
 * rest sit behind the gateway and are always placed below Linux's ephemeral range (see `internalPorts`).
 */
export interface StackPorts {
  api: number;
  db: number;
  mailbox: number;
  /** The mailbox's SMTP in (the CLI's `[inbucket] smtp_port`, 54325: mailbox port + 1). */
  smtp: number;
  rest: number;
  restAdmin: number;
  auth: number;
  functions: number;
  /** The fake Stripe API (test stack, or STACK_FAKE_STRIPE=1). */
  stripe: number;
  /** The Storage server (src/storage); below 32768, outside Linux's ephemeral port range. */
  storage: number;
  /** The Node gateway behind nginx (src/stack/nginx.ts): the requests nginx does not handle itself. */
  gateway: number;
}

export interface StackConfig {
  /** `dev` for `npm run dev`, `test` for the isolated stack `npm test` starts. */
  profile: 'dev' | 'test';
  ports: StackPorts;
  /** Git-ignored folder holding the cluster, logs and the Deno cache of this instance. */
  dataDir: string;
  apiUrl: string;
  dbUrl: string;
  dbPassword: string;
  mailboxUrl: string;
  keys: ApiKeys;
  /**
   * Whether Postgres keeps every acknowledged commit across a crash (fsync, synchronous_commit and
   * full_page_writes on, as `supabase start` and hosted do). On for `npm run dev`; off only for the
   * throwaway test cluster, which is rebuilt on every run. `STACK_DURABLE=1|0` overrides either.
   */
  durable: boolean;
  /**
   * `autoExposeNewTables`: `[api] auto_expose_new_tables`; unset means true, as for the Supabase CLI.
   * When false, new objects in public get no privileges for anon/authenticated/service_role.
   */
  api: { schemas: string[]; extraSearchPath: string[]; maxRows: number; autoExposeNewTables: boolean };
  auth: AuthSettings;
  functions: FunctionSettings[];
  seedPaths: string[];
  /**
   * Whether the stack runs the fake Stripe API and points the functions at it (always on the test
   * stack; on the dev stack with STACK_FAKE_STRIPE=1). Its keys are fixed, local-only test values.
   */
  fakeStripe: { enabled: boolean; url: string; secretKey: string; webhookSecret: string };
  /** bcrypt cost for new passwords: 10 like GoTrue, lower only on the test stack. */
  bcryptCost: number;
}

type Table = Record<string, unknown>;
const table = (value: unknown): Table => (value && typeof value === 'object' ? (value as Table) : {});
/** Strings may be `env(NAME)`, as in the CLI's config.toml: the variable's value, or the fallback when unset. */
const str = (t: Table, key: string, fallback: string): string => {
  const value = t[key];
  if (typeof value !== 'string') return fallback;
  const variable = /^env\(([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(value)?.[1];
  return variable ? (process.env[variable] ?? fallback) : value;
};
const num = (t: Table, key: string, fallback: number): number => (typeof t[key] === 'number' ? t[key] : fallback);
const bool = (t: Table, key: string, fallback: boolean): boolean => (typeof t[key] === 'boolean' ? t[key] : fallback);
const strings = (t: Table, key: string, fallback: string[]): string[] => (Array.isArray(t[key]) ? (t[key] as unknown[]).map(String) : fallback);

/** A `[db.seed] sql_paths` entry, relative to `supabase/`; `*` in the file name matches like the CLI's globs. */
function expandSeedPath(entry: string): string[] {
  const full = path.resolve(supabaseDir, entry);
  const name = path.basename(full);
  if (!name.includes('*')) return [full];
  const dir = path.dirname(full);
  if (!existsSync(dir)) return [];
  const pattern = new RegExp(
    `^${name
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Offset added to every port of the test stack, so `npm test` never collides with `npm run dev`. */
const TEST_PORT_OFFSET = 1000;

function envPort(name: string): number | undefined {
  const raw = process.env[name];
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`${name}=${raw} is not a valid port number`);
  }
  return port;
}

/**
 * Linux's default ephemeral port range (`net.ipv4.ip_local_port_range`): the source ports the kernel
 * hands to outgoing connections. A port in it may be taken at any moment by a connection the stack
 * itself opens (to Postgres, to the gateway…), so nothing of ours that must listen may live there.
 */
export const EPHEMERAL_PORTS = { low: 32768, high: 60999 } as const;

/** Internal ports live in [INTERNAL_LOW, EPHEMERAL_PORTS.low): above the well-known and common service ports. */
const INTERNAL_LOW = 10000;
const INTERNAL_NAMES = ['rest', 'restAdmin', 'auth', 'functions', 'stripe', 'storage', 'gateway'] as const;
export type InternalPorts = Record<(typeof INTERNAL_NAMES)[number], number>;

/**
 * The internal services' ports (PostgREST, its admin server, auth, functions, fake Stripe, Storage): a
 * block of six at the API port + 19, folded into [10000, 32768) when that is not already where it
 * lies, and moved on by a block while it would meet one of `publicPorts`. So a stack on 22321 keeps
 * 22340…22345, and the CLI's 54321 gets 31578…31583, never a port the kernel may give a client connection.
 */
export function internalPorts(apiPort: number, publicPorts: number[]): InternalPorts {
  const size = INTERNAL_NAMES.length;
  const window = EPHEMERAL_PORTS.low - INTERNAL_LOW - size;
  const fold = (port: number) => INTERNAL_LOW + ((((port - INTERNAL_LOW) % window) + window) % window);
  let base = fold(apiPort + 19);
  for (let tries = 0; tries < window && publicPorts.some((p) => p >= base && p < base + size); tries += 1) {
    base = fold(base + size);
  }
  return Object.fromEntries(INTERNAL_NAMES.map((name, i) => [name, base + i])) as InternalPorts;
}

/**
 * Reads `supabase/config.toml` and derives the settings of one stack instance.
 * Environment overrides: `STACK_API_PORT`, `STACK_DB_PORT`, `STACK_MAILBOX_PORT`, `STACK_SMTP_PORT`, `STACK_DATA_DIR`.
 */
export function loadStackConfig(profile: 'dev' | 'test' = 'dev'): StackConfig {
  const toml = parse(readFileSync(path.join(supabaseDir, 'config.toml'), 'utf8')) as Table;
  const api = table(toml.api);
  const db = table(toml.db);
  const localSmtp = table(toml.local_smtp);
  const auth = table(toml.auth);
  const email = table(auth.email);
  const rate = table(auth.rate_limit);
  const seed = table(db.seed);

  const offset = profile === 'test' ? TEST_PORT_OFFSET : 0;
  const apiPort = envPort('STACK_API_PORT') ?? num(api, 'port', 54321) + offset;
  const dbPort = envPort('STACK_DB_PORT') ?? num(db, 'port', 54322) + offset;
  const mailboxPort = envPort('STACK_MAILBOX_PORT') ?? num(localSmtp, 'port', 54324) + offset;
  const smtpPort = envPort('STACK_SMTP_PORT') ?? (process.env.STACK_MAILBOX_PORT ? mailboxPort + 1 : num(localSmtp, 'smtp_port', 54325) + offset);
  const ports: StackPorts = {
    api: apiPort,
    db: dbPort,
    mailbox: mailboxPort,
    smtp: smtpPort,
    ...internalPorts(apiPort, [apiPort, dbPort, mailboxPort, smtpPort]),
  };
  const durableEnv = process.env.STACK_DURABLE;
  const dbPassword = 'postgres';
  const apiUrl = `http://127.0.0.1:${ports.api}`;

  const functions: FunctionSettings[] = Object.entries(table(toml.functions)).map(([name, value]) => {
    const f = table(value);
    return { name, enabled: bool(f, 'enabled', true), verifyJwt: bool(f, 'verify_jwt', true) };
  });

  return {
    profile,
    ports,
    dataDir: process.env.STACK_DATA_DIR ?? path.join(projectRoot, '.stack', profile),
    apiUrl,
    dbUrl: `postgresql://postgres:${dbPassword}@127.0.0.1:${ports.db}/postgres`,
    dbPassword,
    mailboxUrl: `http://127.0.0.1:${ports.mailbox}`,
    keys: defaultKeys(str(auth, 'jwt_secret', '')),
    durable: durableEnv === '1' || durableEnv === '0' ? durableEnv === '1' : profile === 'dev',
    api: {
      schemas: strings(api, 'schemas', ['public', 'graphql_public']),
      extraSearchPath: strings(api, 'extra_search_path', ['public', 'extensions']),
      maxRows: num(api, 'max_rows', 1000),
      autoExposeNewTables: bool(api, 'auto_expose_new_tables', true),
    },
    auth: {
      siteUrl: str(auth, 'site_url', 'http://127.0.0.1:3000'),
      additionalRedirectUrls: strings(auth, 'additional_redirect_urls', []),
      jwtExpiry: num(auth, 'jwt_expiry', 3600),
      enableSignup: bool(auth, 'enable_signup', true),
      enableAnonymousSignIns: bool(auth, 'enable_anonymous_sign_ins', false),
      enableRefreshTokenRotation: bool(auth, 'enable_refresh_token_rotation', true),
      refreshTokenReuseInterval: num(auth, 'refresh_token_reuse_interval', 10),
      minimumPasswordLength: num(auth, 'minimum_password_length', 6),
      passwordRequirements: str(auth, 'password_requirements', ''),
      signingKeysPath: str(auth, 'signing_keys_path', ''),
      email: {
        enableSignup: bool(email, 'enabled', true),
        enableConfirmations: bool(email, 'enable_confirmations', false),
        doubleConfirmChanges: bool(email, 'double_confirm_changes', true),
        securePasswordChange: bool(email, 'secure_password_change', false),
        maxFrequency: str(email, 'max_frequency', '1s'),
        otpLength: num(email, 'otp_length', 6),
        otpExpiry: num(email, 'otp_expiry', 3600),
      },
      rateLimit: {
        emailSent: num(rate, 'email_sent', 2),
        tokenRefresh: num(rate, 'token_refresh', 150),
        signInSignUps: num(rate, 'sign_in_sign_ups', 30),
        tokenVerifications: num(rate, 'token_verifications', 30),
        anonymousUsers: num(rate, 'anonymous_users', 30),
      },
    },
    functions,
    fakeStripe: {
      enabled: profile === 'test' || process.env.STACK_FAKE_STRIPE === '1',
      url: `http://127.0.0.1:${ports.stripe}`,
      secretKey: 'sk_test_local_fake_stripe',
      webhookSecret: 'whsec_local_fake_stripe_signing_secret',
    },
    seedPaths: strings(seed, 'sql_paths', ['./seed.sql']).flatMap(expandSeedPath),
    bcryptCost: profile === 'test' ? Number(process.env.STACK_BCRYPT_COST ?? 4) : 10,
  };
}
