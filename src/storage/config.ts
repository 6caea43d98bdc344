/**
 * Settings of the local Storage server, derived once at start-up from the stack configuration and
 * the `[storage]` section of `supabase/config.toml` (the same keys the Supabase CLI reads).
 *
 * Environment overrides: `STACK_PROFILE` (dev/test), `STACK_STORAGE_PORT` (0: any free port),
 * `STACK_STORAGE_LOG=quiet`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { loadStackConfig, supabaseDir } from '../stack/config.ts';
import { publicJwks, type Jwk } from '../stack/jwks.ts';

/** A `[storage.buckets.<name>]` entry. */
export interface ConfiguredBucket {
  name: string;
  public?: boolean;
  /** Bytes; undefined: the global limit applies. */
  fileSizeLimit?: number;
  allowedMimeTypes?: string[];
  /** Absolute folder whose files are uploaded into the bucket on start. */
  objectsPath?: string;
}

export interface StorageConfig {
  profile: 'dev' | 'test';
  host: string;
  port: number;
  /** Folder holding the object bytes (under the stack's data folder). */
  root: string;
  db: { host: string; port: number; user: string; password: string; database: string };
  jwtSecret: string;
  /** Public keys of asymmetric user tokens (`[auth] signing_keys_path`), if any. */
  jwks: Jwk[];
  /** The service-role JWT: `request.jwt` of operations that run as service. */
  serviceKey: string;
  /** The largest object any bucket accepts (`[storage] file_size_limit`). */
  fileSizeLimit: number;
  /** Lifetime of signed upload URLs, seconds (the CLI sets 7200). */
  signedUploadExpirySeconds: number;
  buckets: ConfiguredBucket[];
  logErrors: boolean;
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** go-units `RAMInBytes`, as the CLI parses sizes: binary units, `KB` = `KiB` = 1024. */
export function parseConfigSize(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null || value === '' || value === 0) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(value.trim()) : null;
  if (!match) throw new Error(`${what} = ${JSON.stringify(value)} is not a size (e.g. "50MiB")`);
  return Math.floor(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!);
}

/** Bucket names the CLI accepts in config.toml. */
const CONFIG_BUCKET_NAME = /^(\w|!|-|\.|\*|'|\(|\)| |&|\$|@|=|;|:|\+|,|\?)*$/;

export function loadStorageConfig(): StorageConfig {
  const profile = process.env.STACK_PROFILE === 'test' ? 'test' : 'dev';
  const stack = loadStackConfig(profile);
  const toml = parse(readFileSync(path.join(supabaseDir, 'config.toml'), 'utf8')) as { storage?: Record<string, unknown> };
  const storage = toml.storage ?? {};
  const fileSizeLimit = parseConfigSize(storage.file_size_limit, '[storage] file_size_limit') ?? 50 * 1024 ** 2;
  const buckets = Object.entries((storage.buckets ?? {}) as Record<string, Record<string, unknown>>).map(([name, b]) => {
    if (!CONFIG_BUCKET_NAME.test(name)) throw new Error(`[storage.buckets.${name}]: invalid bucket name`);
    const bucket: ConfiguredBucket = { name };
    if (typeof b.public === 'boolean') bucket.public = b.public;
    const limit = parseConfigSize(b.file_size_limit, `[storage.buckets.${name}] file_size_limit`);
    if (limit !== undefined) bucket.fileSizeLimit = limit;
    if (Array.isArray(b.allowed_mime_types) && b.allowed_mime_types.length) bucket.allowedMimeTypes = b.allowed_mime_types.map(String);
    if (typeof b.objects_path === 'string' && b.objects_path) bucket.objectsPath = path.resolve(supabaseDir, b.objects_path);
    return bucket;
  });
  const portOverride = process.env.STACK_STORAGE_PORT;
  return {
    profile,
    host: '127.0.0.1',
    port: portOverride !== undefined ? Number(portOverride) : stack.ports.storage,
    root: path.join(stack.dataDir, 'storage'),
    db: { host: '127.0.0.1', port: stack.ports.db, user: 'supabase_storage_admin', password: stack.dbPassword, database: 'postgres' },
    jwtSecret: stack.keys.jwtSecret,
    jwks: publicJwks(stack).keys,
    serviceKey: stack.keys.serviceRoleKey,
    fileSizeLimit,
    signedUploadExpirySeconds: 7200,
    buckets,
    logErrors: process.env.STACK_STORAGE_LOG !== 'quiet',
  };
}
