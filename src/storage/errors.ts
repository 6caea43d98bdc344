/**
 * storage-api's error envelope: `{statusCode, error, message, code}` where `statusCode` is the
 * semantic status as a string and the HTTP status is 400 for nearly every storage error (a legacy
 * choice storage-js relies on). Every failure the server knows about is built here, so a code and
 * its wording are decided in one place.
 */

export class StorageError extends Error {
  constructor(
    /** The HTTP status line. */
    readonly httpStatus: number,
    /** The semantic status, sent as a string inside the body. */
    readonly statusCode: string,
    /** The body's `error` label. */
    readonly label: string,
    message: string,
    /** The stable `code` (storage-api's ErrorCode). */
    readonly code: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): Record<string, string> {
    return { statusCode: this.statusCode, error: this.label, message: this.message, code: this.code };
  }
}

const storageError = (statusCode: string, label: string, message: string, code: string, headers?: Record<string, string>) =>
  new StorageError(400, statusCode, label, message, code, headers);

export const errors = {
  noSuchBucket: () => storageError('404', 'Bucket not found', 'Bucket not found', 'NoSuchBucket'),
  noSuchKey: () => storageError('404', 'not_found', 'Object not found', 'NoSuchKey'),
  blobMissing: () => storageError('404', 'Not found', 'The resource was not found', 'NoSuchKey', { 'Cache-Control': 'no-store' }),
  keyExists: () => storageError('409', 'Duplicate', 'The resource already exists', 'KeyAlreadyExists'),
  resourceExists: () => storageError('409', 'Duplicate', 'The resource already exists', 'ResourceAlreadyExists'),
  bucketExists: () => storageError('409', 'Duplicate', 'The resource already exists', 'BucketAlreadyExists'),
  accessDenied: (message = 'new row violates row-level security policy') => storageError('403', 'Unauthorized', message, 'AccessDenied'),
  bucketNotEmpty: () => storageError('409', 'ResourceNotEmpty', 'The bucket you tried to delete is not empty', 'ResourceNotEmpty'),
  invalidBucketName: () => storageError('400', 'Invalid Input', 'Bucket name invalid', 'InvalidBucketName'),
  invalidKey: (key: string) => storageError('400', 'InvalidKey', `Invalid key: ${key}`, 'InvalidKey'),
  entityTooLarge: () => storageError('413', 'Payload too large', 'The object exceeded the maximum allowed size', 'EntityTooLarge'),
  metadataTooLarge: () => storageError('413', 'Payload too large', 'The user_metadata exceeded the maximum allowed size', 'EntityTooLarge'),
  invalidMimeType: (type: string) => storageError('415', 'invalid_mime_type', `mime type ${type} is not supported`, 'InvalidMimeType'),
  noContent: () => storageError('400', 'InvalidRequest', 'No content provided', 'InvalidRequest'),
  invalidRequest: (message: string) => storageError('400', 'InvalidRequest', message, 'InvalidRequest'),
  schema: (message: string) => storageError('400', 'Error', message, 'InvalidRequest'),
  invalidJwt: (message: string) => storageError('400', 'InvalidJWT', message, 'InvalidJWT'),
  invalidSignature: (message = 'Invalid signature') => storageError('400', 'InvalidSignature', message, 'InvalidSignature'),
  featureNotEnabled: (message: string) => storageError('400', 'FeatureNotEnabled', message, 'FeatureNotEnabled'),
  tooManyObjects: () => storageError('409', 'InvalidRequest', 'Unable to empty the bucket because it contains too many objects', 'InvalidRequest'),
  resourceReferenced: () => storageError('409', 'ResourceReferenced', 'The resource is referenced by another resource', 'ResourceReferenced'),
  resourceLocked: () => storageError('423', 'ResourceLocked', 'The resource is locked', 'ResourceLocked'),
  /** Role enforcement answers with a real 403. */
  roleDenied: (message: string) => new StorageError(403, '403', 'Unauthorized', message, 'AccessDenied'),
  invalidRange: () => new StorageError(416, '416', 'invalid_range', 'invalid range provided', 'InvalidRange'),
  routeNotFound: (method: string, path: string) => new StorageError(404, '404', 'Not Found', `Route ${method}:${path} not found`, 'InvalidRequest'),
  database: (sqlstate: string) => new StorageError(500, '500', 'DatabaseError', `database error, code: ${sqlstate}`, 'DatabaseError'),
  internal: () => new StorageError(500, '500', 'Internal', 'Internal Server Error', 'InternalError'),
};

/** Maps a Postgres error raised by an operation's SQL to storage-api's error. */
export function fromPostgres(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const pgError = error as { code?: string; message?: string };
  switch (pgError.code) {
    case '42501':
      // storage-api reports every RLS refusal with Postgres's words minus the table name.
      return errors.accessDenied(pgError.message?.startsWith('new row violates row-level security policy') ? undefined : pgError.message);
    case '23505':
      return errors.keyExists();
    case '23503':
      return errors.resourceReferenced();
    case '55P03':
      return errors.resourceLocked();
    case '57014':
      return new StorageError(544, '544', 'DatabaseTimeout', 'The connection to the database timed out', 'DatabaseTimeout');
    default:
      return typeof pgError.code === 'string' && /^[0-9A-Z]{5}$/.test(pgError.code) ? errors.database(pgError.code) : errors.internal();
  }
}
