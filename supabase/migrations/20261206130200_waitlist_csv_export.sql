-- =====================================================================================================
-- CSV exports that a spreadsheet cannot turn into formulas. A cell that starts with =, +, -, @, a tab
-- or a carriage return is run as a formula by Excel, LibreOffice and Google Sheets (`=HYPERLINK(…)`,
-- DDE), so every CSV the kit exports goes through private.csv_cell, which prefixes such a cell with a
-- single quote (OWASP's advice) and quotes it as RFC 4180 says. The waitlist export is one SQL
-- function under the table's RLS (the SDK's kit.admin.waitlist.exportCsv), no longer PostgREST's raw
-- CSV. The waitlist function also refuses a `source` that starts like a formula, and so does the table.
-- =====================================================================================================

-- ----------------------------------------------------------------------------- helper functions

/** One CSV cell: formula-looking values defused with a leading quote, then RFC 4180 quoting where needed. */
create function private.csv_cell(p_value text)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case when v ~ '[",\r\n]' then '"' || replace(v, '"', '""') || '"' else coalesce(v, '') end
  from (select case when p_value ~ '^[=+@\t\r-]' then '''' || p_value else p_value end as v) as defused;
$$;
comment on function private.csv_cell(text) is
  'One RFC 4180 CSV cell; values starting with = + - @ tab or CR get a leading single quote so spreadsheets do not run them.';
revoke execute on function private.csv_cell(text) from public, anon;
grant execute on function private.csv_cell(text) to authenticated;

-- ----------------------------------------------------------------------------- constraints

update public.waitlist set source = '''' || left(source, 99) where source ~ '^[=+@\t\r-]';
alter table public.waitlist
  add constraint waitlist_source_not_formula check (source !~ '^[=+@\t\r-]');

-- ----------------------------------------------------------------------------- API functions

/**
 * The waitlist as CSV, as the caller may read it (RLS: admins see every entry, anyone else none and
 * gets an empty text, as PostgREST's own CSV of no rows).
 */
create function public.admin_export_waitlist_csv()
returns text
language sql
stable
security invoker
set search_path = ''
as $$
  select coalesce(
    'email,source,request_count,created_at,last_requested_at' || E'\n'
      || string_agg(
           concat_ws(',', private.csv_cell(w.email), private.csv_cell(w.source), private.csv_cell(w.request_count::text),
                     private.csv_cell(w.created_at::text), private.csv_cell(w.last_requested_at::text)),
           E'\n' order by w.created_at, w.id) || E'\n',
    '')
  from public.waitlist as w;
$$;
comment on function public.admin_export_waitlist_csv() is
  'Admin: the waitlist as CSV (email, source, request_count, created_at, last_requested_at; oldest first), '
  'every cell a spreadsheet would run as a formula defused with a leading quote. Empty for non-admins (RLS).';
revoke execute on function public.admin_export_waitlist_csv() from public, anon;
grant execute on function public.admin_export_waitlist_csv() to authenticated;
