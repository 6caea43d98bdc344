-- Deleting users as `postgres` (Supabase Studio's "Delete user", the SQL editor) with a full history:
-- the delete succeeds, personal data goes, money records and CRM memberships stay with an anonymised
-- tombstone profile, balances still equal their ledgers; the owner of a business is refused with a
-- message naming what to do.
begin;
select plan(26);
select tests.mp_fixture();

-- A business with the creator as a coached-client's coach, and the client's voucher and payment.
insert into public.accounts (id, name, slug, status) values
  (tests.mp_register('acct', gen_random_uuid()), 'Deletion Test Co', 'deletion-test-co', 'active');
insert into public.account_members (account_id, user_id, role, full_name, email) values
  (tests.mp('acct'), tests.mp('other_creator'), 'owner', 'Owner', 'owner@deletion.test'),
  (tests.mp('acct'), tests.mp('creator'), 'member', 'Coach', 'coach@deletion.test');
insert into public.crm_clients (id, account_id, first_name, coach_id) values
  (tests.mp_register('crm_client', gen_random_uuid()), tests.mp('acct'), 'Coached', tests.mp('creator'));
insert into public.voucher_types (id, name, service_type, price_amount) values
  (tests.mp_register('vtype', gen_random_uuid()), 'Deletion test voucher', 'test', 500);
select private.grant_voucher(tests.mp('client'), tests.mp('vtype'));
insert into public.payments (id, user_id, purpose, voucher_type_id, description, amount, currency, idempotency_key) values
  (tests.mp_register('payment', gen_random_uuid()), tests.mp('client'), 'voucher', tests.mp('vtype'), 'Deletion test', 500, 'usd', 'deletion-test-payment');
insert into public.devices (user_id, user_agent) values (tests.mp('client'), 'Test browser');
update public.profiles set first_name = 'Clara', last_name = 'Client', phone = '+15550100999', avatar_url = 'https://example.test/a.png'
  where id = tests.mp('client');
insert into public.waitlist (email) select lower(u.email) from auth.users u where u.id = tests.mp('client');

create temporary table before_counts as
select (select count(*) from public.wallet_ledger where user_id in (tests.mp('client'), tests.mp('creator'))) as ledger,
       (select count(*) from public.usages where client_id = tests.mp('client') or creator_id = tests.mp('creator')) as usages,
       (select count(*) from public.payouts where creator_id = tests.mp('creator')) as payouts,
       (select lower(u.email) from auth.users u where u.id = tests.mp('client')) as client_email;

-- ----------------------------------------------------------------------------- delete as postgres
select lives_ok($$delete from auth.users where id = tests.mp('client')$$,
  'postgres should delete a client with a wallet, usages, feedback, a voucher, a payment, a device and a ticket');
select lives_ok($$delete from auth.users where id = tests.mp('creator')$$,
  'postgres should delete a creator with tools, earnings, a payout, an API key and a CRM assignment');
select lives_ok($$delete from auth.users where id = tests.mp('other_client')$$,
  'postgres should delete a client with a pending refund request');
select lives_ok($$set constraints all immediate$$, 'the commit-time wallet checks should pass after the deletions');
set constraints all deferred;

select is((select count(*) from auth.users where id in (tests.mp('client'), tests.mp('creator'), tests.mp('other_client'))), 0::bigint,
  'the auth users should be gone');
select is((select count(*) from public.profiles where id in (tests.mp('client'), tests.mp('creator')) and deleted_at is not null), 2::bigint,
  'their profiles should stay as tombstones marked deleted');
select is((select row(email, first_name, last_name, phone, avatar_url, username)::text from public.profiles where id = tests.mp('client')),
  row(null::text, null::text, null::text, null::text, null::text, null::text)::text, 'the tombstone should hold no personal data');
select is((select count(*) from public.devices where user_id = tests.mp('client')), 0::bigint, 'devices should be removed');
select is((select count(*) from public.api_keys where creator_id = tests.mp('creator')), 0::bigint, 'API keys should be removed');
select is((select count(*) from public.support_tickets where user_id = tests.mp('client')), 0::bigint, 'support tickets should be removed');
select is((select count(*) from public.waitlist where email = (select client_email from before_counts)), 0::bigint, 'the waitlist entry under the user''s e-mail should be removed');

select is((select count(*) from public.wallet_ledger where user_id in (tests.mp('client'), tests.mp('creator'))), (select ledger from before_counts),
  'the ledger should keep every entry');
select is((select count(*) from public.usages where client_id = tests.mp('client') or creator_id = tests.mp('creator')), (select usages from before_counts),
  'usages should stay');
select is((select count(*) from public.payouts where creator_id = tests.mp('creator')), (select payouts from before_counts), 'payouts should stay');
select is((select user_id from public.payments where id = tests.mp('payment')), tests.mp('client'), 'the payment should keep its (tombstone) owner');
select is((select count(*) from public.vouchers where owner_id = tests.mp('client')), 1::bigint, 'the voucher should stay');
select is((select count(*) from public.feedback where client_id = tests.mp('client')), 1::bigint, 'feedback should stay');
select is((select count(*) from public.refunds where client_id = tests.mp('other_client')), 1::bigint, 'the refund request should stay');
select is((select coach_id from public.crm_clients where id = tests.mp('crm_client')), tests.mp('creator'), 'the CRM assignment should stay');
select is((select is_active from public.account_members where user_id = tests.mp('creator')), false, 'the membership should be kept, deactivated');
select is((select status::text from public.tools where id = tests.mp('tool')), 'suspended', 'the deleted creator''s live tool should be suspended');
select is((select count(*) from public.wallets w
           where w.balance <> coalesce((select l.balance_after from public.wallet_ledger l where l.user_id = w.user_id order by l.id desc limit 1), 0)),
  0::bigint, 'every wallet balance should still equal its newest ledger entry');
select is((select actor_role from public.audit_log where action = 'user.deleted' and target_id = tests.mp('client')::text), 'platform',
  'the deletion should be audited as the platform');

-- An admin may still decide the deleted creator's payout (their points are held).
select is((select status::text from private.decide_payout(tests.mp('payout_creator'), 'reject', 'Account deleted')), 'rejected',
  'the platform should decide a deleted creator''s payout');

-- ----------------------------------------------------------------------------- the owner of a business
select throws_like($$delete from auth.users where id = tests.mp('other_creator')$$,
  '%owns the business account "Deletion Test Co"%delete from public.accounts where id =%',
  'deleting a business owner should be refused with a message naming what to do');
select is((select count(*) from auth.users where id = tests.mp('other_creator')), 1::bigint, 'the refused owner should still exist');

select * from finish();
rollback;
