/**
 * The SDK's one error model. Every failure comes back as `{ data: null, error }` where `error` is an
 * `SdkError` whose `code` is stable (branch on it, never on the message). Subclasses say where it
 * came from: the network, the gateway/relay, or the backend's answer.
 */

/** Stable error codes the SDK returns. Backend codes pass through unchanged. */
export type SdkErrorCode =
  | 'network_error'
  | 'relay_error'
  | 'invalid_response'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rule_broken'
  | 'rate_limited'
  | 'service_unavailable'
  | 'internal_error'
  | (string & {});

export class SdkError extends Error {
  /** Brand for `isSdkError`, which survives bundling and realm boundaries. */
  readonly __isSdkError = true;
  constructor(
    message: string,
    readonly code: SdkErrorCode,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'SdkError';
  }

  toJSON() {
    return { name: this.name, message: this.message, code: this.code, status: this.status, details: this.details };
  }
}

/** The request never got an answer (offline, DNS, connection refused). */
export class SdkNetworkError extends SdkError {
  constructor(message: string, details?: unknown) {
    super(message, 'network_error', 0, details);
    this.name = 'SdkNetworkError';
  }
}

/** The gateway could not reach the service behind it. */
export class SdkRelayError extends SdkError {
  constructor(message: string, status: number, details?: unknown) {
    super(message, 'relay_error', status, details);
    this.name = 'SdkRelayError';
  }
}

/** The backend answered with an error status. */
export class SdkApiError extends SdkError {
  constructor(message: string, code: SdkErrorCode, status: number, details?: unknown) {
    super(message, code, status, details);
    this.name = 'SdkApiError';
  }
}

/** Input the SDK refused before sending anything. */
export class SdkValidationError extends SdkError {
  constructor(message: string, details?: unknown) {
    super(message, 'validation_failed', 400, details);
    this.name = 'SdkValidationError';
  }
}

export function isSdkError(value: unknown): value is SdkError {
  return typeof value === 'object' && value !== null && (value as { __isSdkError?: unknown }).__isSdkError === true;
}

const CODE_BY_STATUS: Record<number, SdkErrorCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'rule_broken',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/** Builds the right `SdkError` from an HTTP status and a body in the functions' error shape. */
export function errorFromResponse(status: number, body: unknown): SdkApiError {
  const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  const code = error?.code ?? CODE_BY_STATUS[status] ?? 'internal_error';
  return new SdkApiError(error?.message ?? `Request failed with status ${status}`, code, status, error?.details);
}

/** The `{ data, error }` result every SDK method returns. */
export type Result<T> = { data: T; error: null } | { data: null; error: SdkError };
