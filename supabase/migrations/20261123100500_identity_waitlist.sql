-- =====================================================================================================
-- Identity: the waitlist (seed 004's pre-registration). Anyone may leave an e-mail address through the
-- `waitlist` Edge Function (validated, rate-limited per client); an address is stored once however
-- often it is sent. Admins list, export (PostgREST CSV) and delete entries; nobody else sees them.
-- =====================================================================================================

-- ----------------------------------------------------------------------------- tables

create table public.waitlist (
  id uuid not null default gen_random_uuid(),
  email text not null,
  source text,
  request_count integer not null default 1,
  created_at timestamptz not null default now(),
  last_requested_at timestamptz not null default now(),
  constraint waitlist_pkey primary key (id),
  constraint waitlist_email_format check (
    char_length(email) <= 254 and email = lower(email) and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'
  ),
  constraint waitlist_source_length check (char_length(source) between 1 and 100)
);
comment on table public.waitlist is
  'Pre-registration e-mail addresses, one row per address (lower case). Written only by the waitlist Edge '
  'Function; admins read, export and delete.';
comment on column public.waitlist.source is 'Where the sign-up came from (e.g. landing-page), as given by the client.';
comment on column public.waitlist.request_count is 'How many times this address was submitted (duplicates are counted, not stored).';

create unique index waitlist_email_key on public.waitlist (email);
create index waitlist_created_at_idx on public.waitlist (created_at desc);

-- ----------------------------------------------------------------------------- RLS policies

alter table public.waitlist enable row level security;

revoke all on public.waitlist from anon, authenticated;
grant select, delete on public.waitlist to authenticated;

create policy "Waitlist entries are viewable by admins"
  on public.waitlist for select
  to authenticated
  using ((select private.is_admin()));

create policy "Waitlist entries are deletable by admins"
  on public.waitlist for delete
  to authenticated
  using ((select private.is_admin()));

-- ----------------------------------------------------------------------------- API functions

/**
 * Adds an address to the waitlist, or counts a repeat. Answers true when the address is new. The caller
 * (the waitlist function) answers the same either way, so the list cannot be probed for members.
 */
create function private.join_waitlist(p_email text, p_source text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  inserted boolean;
begin
  insert into public.waitlist as w (email, source)
  values (lower(btrim(p_email)), p_source)
  on conflict (email) do update
     set request_count = w.request_count + 1,
         last_requested_at = now()
  returning (xmax = 0) into inserted;
  return inserted;
end;
$$;
comment on function private.join_waitlist(text, text) is
  'Adds an e-mail address to the waitlist (deduplicated); true when it was not there yet.';
revoke execute on function private.join_waitlist(text, text) from public;
