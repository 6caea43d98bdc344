/**
 * Page-numbered lists: `page` from 1, `per_page` rows (50 by default, at most 1000), an exact total.
 * Every list method returns a `PageRequest<T>`: await it for one `Page<T>`, or iterate it with
 * `for await` to walk every matching row page after page (as stripe-node's auto-paging).
 */
import { SdkValidationError, type Result, type SdkErrorCode } from './errors.ts';

/** How to page a list. */
export interface PageQuery {
  /** 1-based page number (default 1). */
  page?: number | undefined;
  /** Rows per page (default 50, at most 1000 — PostgREST's max rows). */
  per_page?: number | undefined;
}

/** One page of a list: the one shape every list of the SDK answers. */
export interface Page<T> {
  items: T[];
  /** Rows matching the filters, over all pages (what the caller may see). */
  total: number;
  page: number;
  per_page: number;
  /** Number of pages (0 when nothing matches). */
  page_count: number;
}

/**
 * What a list method returns: a promise of one page that is also an async iterable over every row
 * from that page on. Iteration fetches the next page when the current one is used up and throws the
 * `SdkError` of a failed page (awaiting never throws).
 *
 * @example
 * const { data, error } = await kit.admin.users.list({ per_page: 20 });
 * for await (const user of kit.admin.users.list({ role: 'tool_creator' })) console.log(user.email);
 */
export type PageRequest<T, C extends SdkErrorCode = SdkErrorCode> = Promise<Result<Page<T>, C>> & AsyncIterable<T>;

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 1000;

/** The validated page and its row range, or a message saying what is wrong. */
export function pageRange(query: PageQuery): { page: number; perPage: number; from: number; to: number } | { error: Record<string, string[]> } {
  const page = query.page ?? 1;
  const perPage = query.per_page ?? DEFAULT_PER_PAGE;
  const errors: Record<string, string[]> = {};
  if (!Number.isInteger(page) || page < 1) errors.page = ['Use a whole number from 1'];
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) errors.per_page = [`Use a whole number from 1 to ${MAX_PER_PAGE}`];
  if (Object.keys(errors).length > 0) return { error: errors };
  const from = (page - 1) * perPage;
  return { page, perPage, from, to: from + perPage - 1 };
}

/** Builds the page from PostgREST's rows and exact count. */
export function toPage<T>(items: T[], total: number | null, page: number, perPage: number): Page<T> {
  const count = total ?? items.length;
  return { items, total: count, page, per_page: perPage, page_count: Math.ceil(count / perPage) };
}

/** A whole (small) list as its only page, for lists the backend answers at once. */
export function onePage<T>(items: T[]): Page<T> {
  return { items, total: items.length, page: 1, per_page: Math.max(items.length, 1), page_count: items.length ? 1 : 0 };
}

/**
 * Makes a list method's answer: fetches the requested page now, and pages on when iterated.
 * `fetchPage` gets the query with the page to fetch.
 */
export function paged<T, Q extends PageQuery, C extends SdkErrorCode = SdkErrorCode>(query: Q, fetchPage: (query: Q) => Promise<Result<Page<T>>>): PageRequest<T, C> {
  const first = fetchPage(query);
  const iterate = async function* (): AsyncGenerator<T> {
    let result = await first;
    for (;;) {
      if (result.error) throw result.error;
      const current = result.data;
      yield* current.items;
      if (current.items.length === 0 || current.page >= current.page_count) return;
      result = await fetchPage({ ...query, page: current.page + 1 });
    }
  };
  // The codes `C` are the caller's declaration (types only), as with `coded`.
  return Object.assign(first as Promise<Result<Page<T>, C>>, { [Symbol.asyncIterator]: iterate });
}

/**
 * A list the backend answers whole (a user's devices, memberships, keys — a handful of rows) as the
 * same `Page<T>`: fetched once per page asked for and cut to the page here, so `total` is exact.
 */
export function pagedFromAll<T, Q extends PageQuery, C extends SdkErrorCode = SdkErrorCode>(query: Q, fetchAll: (query: Q) => Promise<Result<T[]>>): PageRequest<T, C> {
  return paged<T, Q, C>(query, async (q) => {
    const range = pageRange(q);
    if ('error' in range) return { data: null, error: new SdkValidationError('The page is not valid', { fieldErrors: range.error, formErrors: [] }) };
    const all = await fetchAll(q);
    if (all.error) return all;
    return { data: toPage(all.data.slice(range.from, range.to + 1), all.data.length, range.page, range.perPage), error: null };
  });
}
