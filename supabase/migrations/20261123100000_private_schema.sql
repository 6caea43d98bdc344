-- =====================================================================================================
-- The `private` schema: privileged helpers (security definer functions), secrets and machinery that
-- PostgREST never exposes (it is not in `[api] schemas`). Later migrations put everything privileged here.
-- =====================================================================================================

-- ----------------------------------------------------------------------------- schema and grants
create schema if not exists private;
comment on schema private is
  'Privileged helpers, secrets and machinery. Not exposed by the API; every function is granted one by one.';

revoke all on schema private from public, anon;
-- RLS policies call a few helpers in here (e.g. private.is_admin()), so the API role that evaluates
-- policies may look the schema up; what it may execute is granted per function.
grant usage on schema private to authenticated;

-- Tables here get no privileges by default. Functions do: PostgreSQL gives EXECUTE to PUBLIC on every
-- new function, and a per-schema default privilege cannot take that away. So every function created in
-- this schema is followed by `revoke execute … from public` and, only where needed, a grant to one role.
