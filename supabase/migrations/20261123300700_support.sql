-- Support tickets: users open tickets and reply; admins see all, reply, assign and change status.
-- Part of the marketplace module ("manage support"). Plain tables behind RLS: the API writes them directly.

-- ============================================================================================
-- Types
-- ============================================================================================
create type public.ticket_status as enum ('open', 'pending', 'resolved', 'closed');
comment on type public.ticket_status is 'open (waiting for staff) → pending (waiting for the user) → resolved → closed. A user''s reply reopens a pending or resolved ticket; closed tickets take no replies.';

create type public.ticket_priority as enum ('low', 'normal', 'high', 'urgent');
comment on type public.ticket_priority is 'How soon staff should look at a ticket.';

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.support_tickets (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  subject text not null constraint support_tickets_subject_length check (char_length(btrim(subject)) between 3 and 200),
  status public.ticket_status not null default 'open',
  priority public.ticket_priority not null default 'normal',
  assigned_to uuid references auth.users (id) on delete set null,
  last_message_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.support_tickets is
  'A user''s support request. The user opens it (open_support_ticket, or an insert then a message) and reads it; admins see all, assign it to an admin and change status and priority.';
comment on column public.support_tickets.assigned_to is 'The admin handling the ticket.';

create index support_tickets_user_id_idx on public.support_tickets (user_id);
create index support_tickets_assigned_to_idx on public.support_tickets (assigned_to);
create index support_tickets_status_last_message_at_idx on public.support_tickets (status, last_message_at desc);

create table public.support_messages (
  id uuid primary key default gen_random_uuid(),
  ticket_id uuid not null references public.support_tickets (id) on delete cascade,
  author_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  from_staff boolean not null default false,
  body text not null constraint support_messages_body_length check (char_length(btrim(body)) between 1 and 10000),
  created_at timestamptz not null default now()
);
comment on table public.support_messages is 'The conversation of a ticket: the user''s messages and staff replies (from_staff, set by the database).';

create index support_messages_ticket_id_created_at_idx on public.support_messages (ticket_id, created_at);
create index support_messages_author_id_idx on public.support_messages (author_id);

-- ============================================================================================
-- Triggers
-- ============================================================================================
create trigger support_tickets_touch_updated_at before update on public.support_tickets
  for each row execute function private.touch_updated_at();

-- Only admins can be assigned.
create function private.check_ticket_assignee()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.assigned_to is not null and new.assigned_to is distinct from old.assigned_to
     and not private.is_active_admin(new.assigned_to) then
    perform private.raise_marketplace_error(422, 'invalid_assignee', 'Tickets are assigned to admins only.');
  end if;
  return new;
end;
$$;
comment on function private.check_ticket_assignee() is 'Refuses assigning a ticket to anyone but an admin.';
revoke execute on function private.check_ticket_assignee() from public, anon, authenticated;

create trigger support_tickets_check_assignee before update of assigned_to on public.support_tickets
  for each row execute function private.check_ticket_assignee();

-- Marks staff replies and moves the ticket: a staff reply waits for the user; a user's reply reopens.
create function private.on_support_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  ticket_owner uuid;
begin
  select t.user_id into ticket_owner from public.support_tickets as t where t.id = new.ticket_id;
  new.from_staff := new.author_id <> ticket_owner;
  update public.support_tickets as t
  set last_message_at = new.created_at,
      status = case
        when new.from_staff and t.status = 'open' then 'pending'::public.ticket_status
        when not new.from_staff and t.status in ('pending', 'resolved') then 'open'::public.ticket_status
        else t.status
      end
  where t.id = new.ticket_id;
  return new;
end;
$$;
comment on function private.on_support_message() is 'Sets from_staff and moves the ticket''s status and last_message_at when a message is posted.';
revoke execute on function private.on_support_message() from public, anon, authenticated;

create trigger support_messages_on_insert before insert on public.support_messages
  for each row execute function private.on_support_message();

-- ============================================================================================
-- Row-level security
-- ============================================================================================
alter table public.support_tickets enable row level security;
alter table public.support_messages enable row level security;

revoke all on public.support_tickets, public.support_messages from anon, authenticated;
grant select on public.support_tickets, public.support_messages to authenticated;
grant insert (subject, priority) on public.support_tickets to authenticated;
grant update (status, priority, assigned_to) on public.support_tickets to authenticated;
grant insert (ticket_id, body) on public.support_messages to authenticated;

create policy "Tickets are visible to their user and to admins" on public.support_tickets
  for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

create policy "Users open their own tickets" on public.support_tickets
  for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy "Admins manage tickets" on public.support_tickets
  for update to authenticated
  using ((select private.is_admin()))
  with check ((select private.is_admin()));

create policy "Messages are visible with their ticket" on public.support_messages
  for select to authenticated
  using (
    exists (select 1 from public.support_tickets as t where t.id = ticket_id and t.user_id = (select auth.uid()))
    or (select private.is_admin())
  );

create policy "Users reply on their open tickets; admins on any" on public.support_messages
  for insert to authenticated
  with check (
    author_id = (select auth.uid())
    and (
      exists (select 1 from public.support_tickets as t where t.id = ticket_id and t.user_id = (select auth.uid()) and t.status <> 'closed')
      or (select private.is_admin())
    )
  );

-- ============================================================================================
-- API functions
-- ============================================================================================
create function public.open_support_ticket(subject text, body text, priority public.ticket_priority default 'normal')
returns public.support_tickets
language plpgsql
set search_path = ''
as $$
declare
  opened public.support_tickets;
begin
  insert into public.support_tickets (subject, priority) values (btrim(subject), priority) returning * into opened;
  insert into public.support_messages (ticket_id, body) values (opened.id, body);
  select * into opened from public.support_tickets as t where t.id = opened.id;
  return opened;
end;
$$;
comment on function public.open_support_ticket(text, text, public.ticket_priority) is
  'Opens a ticket for the caller with its first message, in one transaction (security invoker: the tables'' policies apply). Subject 3–200 characters, body 1–10,000.';
revoke execute on function public.open_support_ticket(text, text, public.ticket_priority) from public, anon;
grant execute on function public.open_support_ticket(text, text, public.ticket_priority) to authenticated;
