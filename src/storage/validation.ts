/**
 * The input rules storage-api applies before any SQL: bucket names, object keys, bucket size limits
 * and MIME type lists, and the MIME check of an upload. Keys are stricter than storage-api's
 * character set in one respect: no empty, `.` or `..` segment, so a key is always a plain relative path.
 */
import { errors } from './errors.ts';

const BUCKET_NAME = /^[A-Za-z0-9_!.*'() &$=@;:+,?-]{1,100}$/;
const KEY_CHARS = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]+$/;
const MIME_ENTRY = /^([a-zA-Z0-9\-+.]+)\/([a-zA-Z0-9\-+.]+)(;\s*charset=[a-zA-Z0-9-]+)?$|\*$/;
const SIZE_STRING = /^(\d+(?:\.\d+)?)(GB|MB|KB|B)$/i;
const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1000, MB: 1000 ** 2, GB: 1000 ** 3 };
export const MAX_KEY_LENGTH = 1024;

export function assertBucketName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !BUCKET_NAME.test(name) || name !== name.trim() || name.endsWith('--table-s3')) {
    throw errors.invalidBucketName();
  }
}

export function assertKey(key: string): void {
  const segments = key.split('/');
  if (!KEY_CHARS.test(key) || key.length > MAX_KEY_LENGTH || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw errors.invalidKey(key);
  }
}

/** A bucket's `file_size_limit` as given to create/update: bytes, a decimal-unit string, or null. */
export function parseBucketSizeLimit(value: unknown, globalLimit: number): number | null {
  if (value === null) return null;
  let bytes: number;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) bytes = value;
  else if (typeof value === 'string' && SIZE_STRING.test(value)) {
    const [, amount, unit] = SIZE_STRING.exec(value)!;
    bytes = Math.floor(Number(amount) * SIZE_UNITS[unit!.toUpperCase()]!);
  } else if (typeof value === 'string' && /^\d+$/.test(value)) bytes = Number(value);
  else throw errors.schema('body/file_size_limit must be integer or string matching the size format');
  if (bytes > globalLimit) throw errors.entityTooLarge();
  return bytes;
}

export function parseAllowedMimeTypes(value: unknown): string[] | null {
  if (value === null) return null;
  if (!Array.isArray(value)) throw errors.schema('body/allowed_mime_types must be array');
  const types = value.filter((t) => t !== '');
  for (const t of types) {
    if (typeof t !== 'string' || !MIME_ENTRY.test(t)) throw errors.invalidMimeType(String(t));
  }
  return types as string[];
}

/** storage-api's rule: `type/*` admits any subtype; otherwise the whole subtype must be equal. */
export function assertMimeAllowed(mimetype: string, allowed: string[] | null): void {
  if (!allowed || allowed.length === 0) return;
  const [type, subtype] = mimetype.split('/');
  const ok = allowed.some((entry) => {
    if (entry === '*' || entry === '*/*') return true;
    const [aType, aSubtype] = entry.split('/');
    return aType === type && (aSubtype === '*' || aSubtype === subtype);
  });
  if (!ok) throw errors.invalidMimeType(mimetype);
}
