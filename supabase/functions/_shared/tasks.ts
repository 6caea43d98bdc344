/**
 * What the job-worker does for users' tasks (public.submit_task): `tasks.add` adds two numbers;
 * `tasks.process_csv` downloads a CSV from the submitter's folder of the Storage bucket `media` and
 * summarises it (rows; per column the count of numeric cells, their sum, mean, min and max). Input
 * was validated when the task was submitted; the worker checks again what it relies on, and fails a
 * task that cannot succeed at once (no retries) with a message the user sees.
 */
import { serviceClient } from './supabase.ts';

/** A claimed task job as the worker sees it. */
export interface TaskJob {
  payload: Record<string, unknown>;
}

/** A task failure no retry can fix. */
export class TaskInputError extends Error {
  override name = 'TaskInputError';
}

/** The largest CSV a task reads (also checked at submission). */
export const MAX_CSV_BYTES = 5 * 1024 * 1024;

export function addTask(job: TaskJob): { result: number } {
  const { a, b } = job.payload;
  if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b)) {
    throw new TaskInputError('add needs two numbers a and b');
  }
  return { result: a + b };
}

/** Splits CSV text into rows of fields (RFC 4180: quoted fields, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (quoted) throw new TaskInputError('The CSV has an unclosed quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** Per-column figures of a CSV: header names, rows, and for numeric cells count/sum/mean/min/max. */
export function summariseCsv(text: string): {
  rows: number;
  columns: { name: string; numeric: number; sum: number | null; mean: number | null; min: number | null; max: number | null }[];
} {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!header) throw new TaskInputError('The CSV is empty');
  const columns = header.map((name) => ({ name: name.trim(), numeric: 0, sum: 0, min: Infinity, max: -Infinity }));
  for (const row of rows) {
    columns.forEach((column, index) => {
      const cell = row[index]?.trim() ?? '';
      if (cell === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cell)) return;
      const value = Number(cell);
      column.numeric++;
      column.sum += value;
      column.min = Math.min(column.min, value);
      column.max = Math.max(column.max, value);
    });
  }
  return {
    rows: rows.length,
    columns: columns.map((c) => ({
      name: c.name,
      numeric: c.numeric,
      sum: c.numeric ? c.sum : null,
      mean: c.numeric ? c.sum / c.numeric : null,
      min: c.numeric ? c.min : null,
      max: c.numeric ? c.max : null,
    })),
  };
}

export async function processCsvTask(job: TaskJob): Promise<Record<string, unknown>> {
  const path = String(job.payload.path ?? '');
  const owner = String(job.payload.owner_id ?? '');
  if (!owner || !path.startsWith(`${owner}/`)) throw new TaskInputError('The file is not in your folder');
  const { data, error } = await serviceClient().storage.from('media').download(path);
  if (error || !data) {
    const status = (error as { status?: number; statusCode?: string } | null)?.status;
    if (status === 404 || status === 400) throw new TaskInputError('The file no longer exists');
    throw new Error(`Storage refused the download: ${error?.message}`);
  }
  if (data.size > MAX_CSV_BYTES) throw new TaskInputError(`The file is larger than ${MAX_CSV_BYTES} bytes`);
  return { path, ...summariseCsv(await data.text()) };
}
