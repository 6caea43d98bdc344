/**
 * Automatic retries of network failures (no answer at all: connection refused or dropped), as
 * stripe-node's `maxNetworkRetries`: only for requests that are safe to repeat — reads (GET, HEAD)
 * and calls carrying an `Idempotency-Key`, which the backend answers once however often it arrives.
 * An HTTP answer, even an error, is never retried; an aborted request neither.
 */

/** Default number of retries after the first attempt. */
export const DEFAULT_MAX_NETWORK_RETRIES = 1;

function headerOf(input: RequestInfo | URL, init: RequestInit | undefined, name: string): string | null {
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  return headers.get(name);
}

function methodOf(input: RequestInfo | URL, init: RequestInit | undefined): string {
  return (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
}

/** Whether a request may be sent again without doing its work twice. */
export function isIdempotentRequest(input: RequestInfo | URL, init?: RequestInit): boolean {
  const method = methodOf(input, init);
  return method === 'GET' || method === 'HEAD' || headerOf(input, init, 'Idempotency-Key') !== null;
}

/** `fetch` that retries idempotent requests after network failures, with a short exponential backoff. */
export function retryingFetch(base: typeof fetch, maxNetworkRetries: number, backoffMs = 200): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const retries = isIdempotentRequest(input, init) ? Math.max(0, Math.floor(maxNetworkRetries)) : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await base(input, init);
      } catch (error) {
        const aborted = init?.signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');
        if (aborted || attempt >= retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** attempt));
      }
    }
  };
}
