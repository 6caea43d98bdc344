-- Row-level security and privileges of every wallet and marketplace table, for every persona:
-- anon, client, other client, creator, other creator, admin (tests.mp_matrix runs each statement as
-- all six and undoes it). 42501 is "permission denied" (no grant) or a policy's WITH CHECK refusing.
begin;
select plan(53);
select tests.mp_fixture();

-- wallets --------------------------------------------------------------------------------------
select is(tests.mp_matrix($$select 1 from public.wallets where user_id = any (tests.mp_ids('client', 'other_client', 'creator', 'other_creator', 'admin'))$$),
  'anon=error:42501 client=rows:1 other_client=rows:1 creator=rows:1 other_creator=rows:1 admin=rows:4',
  'wallets: each user should see only their own wallet, admins all, anon nothing');
select is(tests.mp_matrix($$insert into public.wallets (user_id, balance) values (tests.mp('admin'), 1000)$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'wallets: nobody should insert a wallet through the API, not even an admin');
select is(tests.mp_matrix($$update public.wallets set balance = balance + 1000 where user_id = tests.mp('client')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'wallets: nobody should change a balance through the API, not even an admin');
select is(tests.mp_matrix($$delete from public.wallets where user_id = tests.mp('client')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'wallets: nobody should delete a wallet through the API');
select is(tests.mp_try_as('service_role', $$update public.wallets set balance = 1$$), 'error:42501',
  'wallets: not even the service role should write balances');

-- wallet_ledger --------------------------------------------------------------------------------
select is(tests.mp_matrix($$select 1 from public.wallet_ledger where user_id = any (tests.mp_ids('client', 'other_client', 'creator', 'other_creator', 'admin'))$$),
  'anon=error:42501 client=rows:2 other_client=rows:2 creator=rows:2 other_creator=rows:2 admin=rows:8',
  'wallet_ledger: each user should see only their own entries, admins all');
select is(tests.mp_matrix($$insert into public.wallet_ledger (user_id, amount, kind, balance_after, reference_type) values (tests.mp('client'), 5, 'purchase', 95, 'payment')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'wallet_ledger: nobody should append entries through the API');
select is(tests.mp_matrix($$update public.wallet_ledger set amount = 1000 where user_id = tests.mp('client')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'wallet_ledger: nobody should update entries through the API');
select is(tests.mp_matrix($$delete from public.wallet_ledger where user_id = tests.mp('client')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'wallet_ledger: nobody should delete entries through the API');
select is(tests.mp_try_as('service_role', $$insert into public.wallet_ledger (user_id, amount, kind, balance_after, reference_type) values (tests.mp('client'), 5, 'purchase', 95, 'payment')$$),
  'error:42501', 'wallet_ledger: not even the service role should append entries');

-- tools ----------------------------------------------------------------------------------------
select is(tests.mp_matrix($$select 1 from public.tools where id = any (tests.mp_ids('tool', 'draft_tool', 'other_tool', 'suspended_tool'))$$),
  'anon=rows:2 client=rows:2 other_client=rows:2 creator=rows:3 other_creator=rows:3 admin=rows:4',
  'tools: everyone should see approved tools, creators also their own, admins all');
select is(tests.mp_matrix($$insert into public.tools (name, category, price_points) values ('New tool', 'text', 5)$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=rows:1 other_creator=rows:1 admin=error:42501',
  'tools: only tool creators should create tools');
select is(tests.mp_matrix($$insert into public.tools (name, category, price_points, status) values ('Self-approved', 'text', 5, 'approved')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'tools: nobody should set a status when creating a tool');
select is(tests.mp_matrix($$insert into public.tools (creator_id, name, category, price_points) values (tests.mp('other_creator'), 'Planted', 'text', 5)$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'tools: nobody should create a tool in someone else''s name');
select is(tests.mp_matrix($$update public.tools set description = 'Changed' where id = tests.mp('tool')$$),
  'anon=error:42501 client=rows:0 other_client=rows:0 creator=rows:1 other_creator=rows:0 admin=rows:1',
  'tools: only the creator and admins should edit a tool');
select is(tests.mp_matrix($$update public.tools set description = 'Changed' where id = tests.mp('suspended_tool')$$),
  'anon=error:42501 client=rows:0 other_client=rows:0 creator=rows:0 other_creator=rows:0 admin=rows:1',
  'tools: a suspended tool should be editable by admins only');
select is(tests.mp_matrix($$update public.tools set status = 'approved' where id = tests.mp('draft_tool')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'tools: the status should change only through submit_tool and review_tool');
select is(tests.mp_matrix($$update public.tools set usage_count = 1000000, rating_sum = 500, rating_count = 100 where id = tests.mp('tool')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'tools: nobody should write popularity or rating counters');
select is(tests.mp_matrix($$delete from public.tools where id = tests.mp('draft_tool')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'tools: tools should never be deleted through the API (suspend them)');

-- usages ---------------------------------------------------------------------------------------
select is(tests.mp_matrix($$select 1 from public.usages where id = any (tests.mp_ids('usage_client', 'usage_other'))$$),
  'anon=error:42501 client=rows:1 other_client=rows:1 creator=rows:1 other_creator=rows:1 admin=rows:2',
  'usages: visible to their client, the tool''s creator and admins');
select is(tests.mp_matrix($$insert into public.usages (tool_id, client_id, creator_id, points_charged, creator_share, idempotency_key) values (tests.mp('tool'), tests.mp('client'), tests.mp('creator'), 10, 7, 'forged')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'usages: nobody should record a usage through the API');
select is(tests.mp_matrix($$update public.usages set status = 'refunded' where id = tests.mp('usage_client')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'usages: nobody should change a usage through the API');
select is(tests.mp_matrix($$delete from public.usages where id = tests.mp('usage_client')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'usages: nobody should delete a usage through the API');

-- api_keys and their hashes --------------------------------------------------------------------
select is(tests.mp_matrix($$select 1 from public.api_keys where id = any (tests.mp_ids('key_creator', 'key_other'))$$),
  'anon=error:42501 client=rows:0 other_client=rows:0 creator=rows:1 other_creator=rows:1 admin=rows:2',
  'api_keys: visible to their creator and admins only');
select is(tests.mp_matrix($$update public.api_keys set revoked_at = null, expires_at = null where id = tests.mp('key_creator')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'api_keys: nobody should edit keys directly (revoke_api_key does)');
select is(tests.mp_matrix($$insert into public.api_keys (creator_id, name, prefix) values (tests.mp('creator'), 'Forged', 'mk_000000000000')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'api_keys: nobody should insert keys directly (create_api_key does)');
select is(tests.mp_matrix($$delete from public.api_keys where id = tests.mp('key_creator')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'api_keys: nobody should delete keys through the API');
select is(tests.mp_matrix($$select secret_hash from private.api_key_secrets$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'api_key_secrets: the hashes should be out of every API role''s reach');

-- payouts --------------------------------------------------------------------------------------
select is(tests.mp_matrix($$select 1 from public.payouts where id = any (tests.mp_ids('payout_creator', 'payout_other'))$$),
  'anon=error:42501 client=rows:0 other_client=rows:0 creator=rows:1 other_creator=rows:1 admin=rows:2',
  'payouts: visible to their creator and admins only');
select is(tests.mp_matrix($$update public.payouts set status = 'paid' where id = tests.mp('payout_creator')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'payouts: nobody should change a payout directly (decide_payout does)');
select is(tests.mp_matrix($$insert into public.payouts (creator_id, amount_points, idempotency_key) values (tests.mp('creator'), 1000, 'forged')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'payouts: nobody should insert a payout directly (request_payout does)');

-- feedback -------------------------------------------------------------------------------------
select is(tests.mp_matrix($$select id, rating, review from public.feedback where id = tests.mp('feedback_client')$$),
  'anon=rows:1 client=rows:1 other_client=rows:1 creator=rows:1 other_creator=rows:1 admin=rows:1',
  'feedback: reviews of approved tools should be public');
select is(tests.mp_matrix($$select client_id from public.feedback where id = tests.mp('feedback_client')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'feedback: who wrote a review should not be readable through the API');
select is(tests.mp_matrix($$insert into public.feedback (usage_id, tool_id, client_id, rating) values (tests.mp('usage_other'), tests.mp('other_tool'), tests.mp('other_client'), 1)$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'feedback: nobody should insert feedback directly (submit_feedback does)');
select is(tests.mp_matrix($$update public.feedback set rating = 1 where id = tests.mp('feedback_client')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'feedback: nobody should edit a rating');
select is(tests.mp_matrix($$delete from public.feedback where id = tests.mp('feedback_client')$$),
  'anon=error:42501 client=rows:0 other_client=rows:0 creator=rows:0 other_creator=rows:0 admin=rows:1',
  'feedback: only admins should delete feedback (moderation)');

-- refunds --------------------------------------------------------------------------------------
select is(tests.mp_matrix($$select 1 from public.refunds where id = tests.mp('refund_other')$$),
  'anon=error:42501 client=rows:0 other_client=rows:1 creator=rows:0 other_creator=rows:1 admin=rows:1',
  'refunds: visible to their client, the tool''s creator and admins');
select is(tests.mp_matrix($$update public.refunds set status = 'approved' where id = tests.mp('refund_other')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'refunds: nobody should decide a refund directly (decide_refund does)');
select is(tests.mp_matrix($$insert into public.refunds (usage_id, client_id, creator_id, tool_id, points, reason, idempotency_key) values (tests.mp('usage_client'), tests.mp('client'), tests.mp('creator'), tests.mp('tool'), 10, 'forged', 'forged')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'refunds: nobody should insert a refund directly (request_refund does)');

-- support --------------------------------------------------------------------------------------
select is(tests.mp_matrix($$select 1 from public.support_tickets where id = any (tests.mp_ids('ticket_client', 'ticket_other'))$$),
  'anon=error:42501 client=rows:1 other_client=rows:1 creator=rows:0 other_creator=rows:0 admin=rows:2',
  'support_tickets: visible to their user and admins');
select is(tests.mp_matrix($$insert into public.support_tickets (subject) values ('Help me please')$$),
  'anon=error:42501 client=rows:1 other_client=rows:1 creator=rows:1 other_creator=rows:1 admin=rows:1',
  'support_tickets: every signed-in user should open tickets');
select is(tests.mp_matrix($$insert into public.support_tickets (user_id, subject) values (tests.mp('client'), 'Spoofed')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'support_tickets: nobody should open a ticket in someone else''s name');
select is(tests.mp_matrix($$update public.support_tickets set status = 'resolved', priority = 'high' where id = tests.mp('ticket_client')$$),
  'anon=error:42501 client=rows:0 other_client=rows:0 creator=rows:0 other_creator=rows:0 admin=rows:1',
  'support_tickets: only admins should change status and priority');
select is(tests.mp_matrix($$delete from public.support_tickets where id = tests.mp('ticket_client')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'support_tickets: tickets should never be deleted through the API');
select is(tests.mp_matrix($$select 1 from public.support_messages where id = any (tests.mp_ids('message_client', 'message_other'))$$),
  'anon=error:42501 client=rows:1 other_client=rows:1 creator=rows:0 other_creator=rows:0 admin=rows:2',
  'support_messages: visible with their ticket');
select is(tests.mp_matrix($$insert into public.support_messages (ticket_id, body) values (tests.mp('ticket_client'), 'More details')$$),
  'anon=error:42501 client=rows:1 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=rows:1',
  'support_messages: the ticket''s user and admins should reply, nobody else');
select is(tests.mp_matrix($$update public.support_messages set body = 'Rewritten' where id = tests.mp('message_client')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'support_messages: messages should never be edited');
select is(tests.mp_matrix($$delete from public.support_messages where id = tests.mp('message_client')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'support_messages: messages should never be deleted through the API');

-- site_content ---------------------------------------------------------------------------------
select is(tests.mp_matrix($$select 1 from public.site_content where id = any (tests.mp_ids('page_published', 'page_draft'))$$),
  'anon=rows:1 client=rows:1 other_client=rows:1 creator=rows:1 other_creator=rows:1 admin=rows:2',
  'site_content: published content should be public, drafts visible to admins only');
select is(tests.mp_matrix($$insert into public.site_content (slug, title, body) values ('new-page', 'New', 'Body')$$),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=rows:1',
  'site_content: only admins should create content');
select is(tests.mp_matrix($$update public.site_content set title = 'Changed' where id = any (tests.mp_ids('page_published', 'page_draft'))$$),
  'anon=error:42501 client=rows:0 other_client=rows:0 creator=rows:0 other_creator=rows:0 admin=rows:2',
  'site_content: only admins should edit content');
select is(tests.mp_matrix($$delete from public.site_content where id = any (tests.mp_ids('page_published', 'page_draft'))$$),
  'anon=error:42501 client=rows:0 other_client=rows:0 creator=rows:0 other_creator=rows:0 admin=rows:2',
  'site_content: only admins should delete content');

-- RLS is on for every table of this module
select is(
  (select array_agg(c.relname::text order by c.relname) from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity
      and c.relname in ('wallets', 'wallet_ledger', 'tools', 'usages', 'api_keys', 'payouts', 'feedback', 'refunds', 'support_tickets', 'support_messages', 'site_content')),
  null, 'row-level security should be enabled on every wallet and marketplace table');

select * from finish();
rollback;
