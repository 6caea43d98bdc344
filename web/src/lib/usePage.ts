/**
 * One SDK list as paged React state: `usePage((q) => kit.x.list(q), deps)` answers the current
 * `Page<T>`, the page number to change and a reload. Lists always go through the SDK's `Page<T>`.
 */
import type { Page, PageQuery, SdkError } from '@kit/sdk';
import { useCallback, useEffect, useState } from 'react';

const sameDeps = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

type Fetch<T> = (query: PageQuery) => PromiseLike<{ data: Page<T> | null; error: SdkError | null }>;

export function usePage<T>(fetchPage: Fetch<T>, deps: unknown[], perPage = 50) {
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<T> | null>(null);
  const [error, setError] = useState<SdkError | null>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  // New filters start at page 1, before anything is fetched (a page past the end would be refused).
  // The previous filters are state, not a ref: React's pattern for adjusting state while rendering,
  // which also holds when a render is repeated (StrictMode) and its first run discarded.
  const [lastDeps, setLastDeps] = useState(deps);
  if (!sameDeps(lastDeps, deps)) {
    setLastDeps(deps);
    if (page !== 1) setPage(1);
  }
  useEffect(() => {
    let live = true;
    setLoading(true);
    void Promise.resolve(fetchPage({ page, per_page: perPage })).then((result) => {
      if (!live) return;
      setData(result.data);
      setError(result.error);
      setLoading(false);
    });
    return () => {
      live = false;
    };
  }, [page, perPage, version, ...deps]); // eslint-disable-line react-hooks/exhaustive-deps -- the caller's deps stand for fetchPage
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, loading, page, setPage, reload };
}

/** One SDK read (not a list) as React state. */
export function useResult<T>(read: () => PromiseLike<{ data: T | null; error: SdkError | null }>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<SdkError | null>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    void Promise.resolve(read()).then((result) => {
      if (!live) return;
      setData(result.data);
      setError(result.error);
      setLoading(false);
    });
    return () => {
      live = false;
    };
  }, [version, ...deps]); // eslint-disable-line react-hooks/exhaustive-deps -- the caller's deps stand for the loader
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, loading, reload };
}
