-- Deleting a user keeps the books. `delete from auth.users` (Studio's "Delete user", the Auth admin
-- API, the delete-account function) used to fail with "Database error deleting user" for anyone with a
-- wallet, tool, payout, feedback or refund (`on delete restrict`, wallets_never_deleted), and silently
-- deleted vouchers, points debts and CRM memberships for everyone else.
--
-- Now the user's profile row stays behind as the tombstone owner of their money records: a BEFORE
-- DELETE trigger on auth.users anonymises it (every personal column cleared, deleted_at set) and the
-- money tables reference public.profiles instead of auth.users. The user's id stays in the ledger,
-- usages, payouts, payments, refunds, vouchers, points debts and CRM memberships (deactivated, so CRM
-- assignments keep their coach/closer/setter), so the wallet invariants (balance = newest ledger entry)
-- hold untouched. Personal data goes: devices, API keys, support tickets, sessions and identities
-- (cascades), waitlist entries under their e-mail, avatars and media files (Storage).
--
-- Refused: deleting the owner of a business account (the account would be left without an owner; the
-- owner role cannot be granted to someone else), with a message naming what to do.

-- ============================================================================================
-- Tables
-- ============================================================================================
alter table public.profiles add column deleted_at timestamptz;
comment on column public.profiles.deleted_at is
  'When the user was deleted: the profile is then an anonymised tombstone that keeps the user''s money records (ledger, usages, payouts, payments, refunds, vouchers) and CRM memberships pointing somewhere.';

-- The profile outlives its auth user (as a tombstone), so it no longer cascades from auth.users.
alter table public.profiles drop constraint profiles_id_fkey;

-- Money records and memberships belong to the profile (kept forever), not the auth user.
alter table public.wallets drop constraint wallets_user_id_fkey,
  add constraint wallets_user_id_fkey foreign key (user_id) references public.profiles (id) on delete restrict;
alter table public.tools drop constraint tools_creator_id_fkey,
  add constraint tools_creator_id_fkey foreign key (creator_id) references public.profiles (id) on delete restrict;
alter table public.tool_revisions drop constraint tool_revisions_creator_id_fkey,
  add constraint tool_revisions_creator_id_fkey foreign key (creator_id) references public.profiles (id) on delete restrict;
alter table public.payouts drop constraint payouts_creator_id_fkey,
  add constraint payouts_creator_id_fkey foreign key (creator_id) references public.profiles (id) on delete restrict;
alter table public.feedback drop constraint feedback_client_id_fkey,
  add constraint feedback_client_id_fkey foreign key (client_id) references public.profiles (id) on delete restrict;
alter table public.refunds drop constraint refunds_client_id_fkey,
  add constraint refunds_client_id_fkey foreign key (client_id) references public.profiles (id) on delete restrict,
  drop constraint refunds_creator_id_fkey,
  add constraint refunds_creator_id_fkey foreign key (creator_id) references public.profiles (id) on delete restrict;
alter table public.vouchers drop constraint vouchers_owner_id_fkey,
  add constraint vouchers_owner_id_fkey foreign key (owner_id) references public.profiles (id) on delete restrict;
alter table public.voucher_redemptions drop constraint voucher_redemptions_voucher_owner_id_fkey,
  add constraint voucher_redemptions_voucher_owner_id_fkey foreign key (voucher_owner_id) references public.profiles (id) on delete restrict;
alter table public.payments drop constraint payments_user_id_fkey,
  add constraint payments_user_id_fkey foreign key (user_id) references public.profiles (id) on delete restrict;
alter table public.payment_disputes drop constraint payment_disputes_user_id_fkey,
  add constraint payment_disputes_user_id_fkey foreign key (user_id) references public.profiles (id) on delete restrict;
alter table public.points_debts drop constraint points_debts_user_id_fkey,
  add constraint points_debts_user_id_fkey foreign key (user_id) references public.profiles (id) on delete restrict;
alter table public.account_members drop constraint account_members_user_id_fkey,
  add constraint account_members_user_id_fkey foreign key (user_id) references public.profiles (id) on delete cascade;

-- ============================================================================================
-- Helper functions
-- ============================================================================================

/**
 * Why a user cannot be deleted yet, or null: they own a business account (which would be left without
 * an owner). Used by the deletion trigger and by the delete-account function (409 before trying).
 */
create function private.user_deletion_blocker(p_user_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select format('The user owns the business account "%s" (%s), which cannot be left without an owner: delete the account first (an admin, in the SQL editor: delete from public.accounts where id = %L), then the user',
                a.name, a.id, a.id)
  from public.account_members as m
  join public.accounts as a on a.id = m.account_id
  where m.user_id = p_user_id and m.role = 'owner'
  order by a.created_at
  limit 1;
$$;
comment on function private.user_deletion_blocker(uuid) is
  'The reason a user cannot be deleted yet (they own a business account), or null.';
revoke execute on function private.user_deletion_blocker(uuid) from public, anon, authenticated;
grant execute on function private.user_deletion_blocker(uuid) to service_role;

/**
 * BEFORE DELETE on auth.users: refuses deleting a business owner; otherwise turns the profile into an
 * anonymised tombstone, deactivates memberships, takes the user's live tools off the marketplace,
 * removes waitlist entries and files, and audits the deletion. The cascades then remove devices, API
 * keys, tickets, sessions and identities.
 */
create function private.retire_deleted_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  blocker text := private.user_deletion_blocker(old.id);
begin
  if blocker is not null then
    raise exception '%', blocker using errcode = '55000',
      hint = 'A business account keeps exactly one owner; delete the account (its CRM data goes with it) before deleting its owner.';
  end if;

  update public.profiles as p
  set email = null, first_name = null, last_name = null, username = null, phone = null, avatar_url = null,
      date_of_birth = null, address_line1 = null, address_line2 = null, city = null, region = null,
      postal_code = null, country_code = null, locale = 'en',
      notification_preferences = '{"sms": false, "push": false, "email": false, "marketing": false}',
      deleted_at = now()
  where p.id = old.id;

  -- Kept for the CRM's coach/closer/setter assignments and the account's history; no longer usable.
  update public.account_members as m set is_active = false where m.user_id = old.id and m.is_active;

  -- Nobody spends points on a deleted creator's tool; nobody reviews their pending changes.
  update public.tools as t set status = 'suspended', review_note = 'The creator''s account was deleted.'
  where t.creator_id = old.id and t.status = 'approved';
  update public.tools as t set status = 'draft'
  where t.creator_id = old.id and t.status = 'pending_review';
  update public.tool_revisions as r set status = 'superseded'
  where r.creator_id = old.id and r.status = 'pending';

  if old.email is not null then
    delete from public.waitlist as w where w.email = lower(old.email);
  end if;
  perform private.remove_storage_folder(array['avatars', 'media'], old.id::text);

  perform private.write_audit('user.deleted', 'user', old.id::text, null, jsonb_build_object('deleted_at', now()));
  return old;
end;
$$;
comment on function private.retire_deleted_user() is
  'Trigger before a user is deleted: refuses deleting a business owner; anonymises the profile into a tombstone that keeps the money records, deactivates memberships, suspends live tools, removes waitlist entries and files, audits user.deleted.';
revoke execute on function private.retire_deleted_user() from public, anon, authenticated;

create trigger retire_deleted_user before delete on auth.users
  for each row execute function private.retire_deleted_user();

comment on column public.audit_log.action is 'What happened, as <target>.<verb>: user.role_changed, user.banned, user.unbanned, user.deleted, account.approved, account.rejected, account.suspended, account.reactivated, member.access_changed, member.removed, wallet.admin_adjustment, payout.approved/rejected/paid, refund.approved/rejected, tool.approved/rejected/suspended, content.created/updated/deleted, voucher_type.created/updated, voucher.granted/deactivated/expired.';
