/**
 * A user's intent to change something, e.g. "pay for this package". One idempotency key per intent:
 * it is made when the intent starts and kept until it succeeds, so a double click, a retry after a
 * network error or a second press while pending all send the same key and the backend does the work
 * once. `pending` disables the button meanwhile. `reset()` starts a new intent (a new key).
 */
import type { SdkError } from '@kit/sdk';
import { useCallback, useRef, useState } from 'react';
import { describeError, fieldErrors } from './errors.ts';

type Result<T> = { data: T; error: null } | { data: null; error: SdkError };

export function useAction<A extends unknown[], T>(run: (idempotencyKey: string, ...args: A) => PromiseLike<Result<T>>) {
  const key = useRef<string | null>(null);
  const keyFor = useRef<string>('');
  const inFlight = useRef(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<SdkError | null>(null);
  const [data, setData] = useState<T | null>(null);
  const execute = useCallback(
    async (...args: A): Promise<Result<T> | null> => {
      if (inFlight.current) return null;
      inFlight.current = true;
      // Same intent (same arguments) keeps its key; another intent starts a new one.
      const intent = JSON.stringify(args);
      if (key.current === null || keyFor.current !== intent) {
        key.current = crypto.randomUUID();
        keyFor.current = intent;
      }
      setPending(true);
      setError(null);
      try {
        const result = await run(key.current, ...args);
        if (result.error) setError(result.error);
        else {
          setData(result.data);
          key.current = null; // done: the next press is a new intent
        }
        return result;
      } finally {
        inFlight.current = false;
        setPending(false);
      }
    },
    [run],
  );
  const reset = useCallback(() => {
    key.current = null;
    setError(null);
    setData(null);
  }, []);
  return { execute, pending, error, data, reset, message: error ? describeError(error) : null, fields: fieldErrors(error) };
}
