/** Page-numbered lists over PostgREST: `page` from 1, `per_page` rows (50 by default, at most 1000), an exact total. */

/** How to page a list. */
export interface PageQuery {
  /** 1-based page number (default 1). */
  page?: number;
  /** Rows per page (default 50, at most 1000 — PostgREST's max rows). */
  per_page?: number;
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** Rows matching the filters, over all pages (what the caller may see). */
  total: number;
  page: number;
  per_page: number;
  /** Number of pages (0 when nothing matches). */
  page_count: number;
}

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
