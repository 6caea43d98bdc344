-- Demo data for the wallet and the marketplace, applied after supabase/seed.sql.
--
-- Two tool creators with approved tools, two clients with points and a usage history, ratings, a
-- refund request and a payout request waiting for the admin, a support ticket and site content:
--   creator@example.test   (seed.sql)   Summariser (text), Translator (language); one tool pending review
--   maker@example.test     tool_creator Image upscaler (image), CSV cleaner (data)
--   client@example.test    (seed.sql)   500 points welcome bonus, several uses
--   buyer@example.test     client       200 points, a few uses, one refund request
--   admin@example.test     (seed.sql)   the admin who approved the tools and granted the points
-- Every demo user's password is `demo-password-1`. Points change only through the wallet's own functions
-- (private.post_wallet_entry, private.use_tool…), so every balance equals the sum of its ledger.

-- ---------------------------------------------------------------------------------------- users
with demo (id, email, role, first_name, last_name) as (
  values
    ('d3000000-0000-4000-8000-000000000001'::uuid, 'maker@example.test', 'tool_creator', 'Mia', 'Maker'),
    ('d3000000-0000-4000-8000-000000000002'::uuid, 'buyer@example.test', 'client', 'Bo', 'Buyer')
)
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  confirmation_token, recovery_token, email_change_token_new, email_change_token_current,
  email_change, phone_change, phone_change_token, reauthentication_token
)
select
  '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated',
  email, extensions.crypt('demo-password-1', extensions.gen_salt('bf', 10)), now(),
  jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email'), 'role', role),
  jsonb_build_object('demo', true, 'first_name', first_name, 'last_name', last_name),
  now(), now(),
  '', '', '', '', '', '', '', ''
from demo;

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select
  u.id::text, u.id,
  jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
  'email', now(), now(), now()
from auth.users u
where u.email in ('maker@example.test', 'buyer@example.test');

-- ---------------------------------------------------------------------------------------- tools
with people as (
  select
    (select id from auth.users where email = 'creator@example.test') as creator,
    (select id from auth.users where email = 'maker@example.test') as maker,
    (select id from auth.users where email = 'admin@example.test') as admin
)
insert into public.tools (id, creator_id, name, description, category, price_points, creator_share_percent, status, submitted_at, reviewed_by, reviewed_at, review_note)
select t.id, case t.owner when 'creator' then p.creator else p.maker end, t.name, t.description, t.category, t.price, t.share,
       t.status::public.tool_status, now(), case when t.status = 'approved' then p.admin end, case when t.status = 'approved' then now() end,
       case when t.status = 'approved' then 'Demo tool' end
from people as p,
  (values
    ('e3000000-0000-4000-8000-000000000001'::uuid, 'creator', 'Summariser', 'Turns long documents into a short, faithful summary.', 'text', 5, 70, 'approved'),
    ('e3000000-0000-4000-8000-000000000002'::uuid, 'creator', 'Translator', 'Translates text between 40 languages, keeping the tone.', 'language', 8, 60, 'approved'),
    ('e3000000-0000-4000-8000-000000000003'::uuid, 'maker', 'Image upscaler', 'Enlarges photos four times without blur.', 'image', 15, 80, 'approved'),
    ('e3000000-0000-4000-8000-000000000004'::uuid, 'maker', 'CSV cleaner', 'Fixes encodings, dates and duplicates in spreadsheets.', 'data', 3, 50, 'approved'),
    ('e3000000-0000-4000-8000-000000000005'::uuid, 'creator', 'Voice cloner', 'Reads your text in your own voice.', 'audio', 20, 70, 'pending_review')
  ) as t (id, owner, name, description, category, price, share, status);

-- ---------------------------------------------------------------------------------------- points and usage
do $$
declare
  admin_id uuid := (select id from auth.users where email = 'admin@example.test');
  client_id uuid := (select id from auth.users where email = 'client@example.test');
  buyer_id uuid := (select id from auth.users where email = 'buyer@example.test');
  creator_id uuid := (select id from auth.users where email = 'creator@example.test');
  summariser uuid := 'e3000000-0000-4000-8000-000000000001';
  translator uuid := 'e3000000-0000-4000-8000-000000000002';
  upscaler uuid := 'e3000000-0000-4000-8000-000000000003';
  cleaner uuid := 'e3000000-0000-4000-8000-000000000004';
  uses constant text[] := array['s', 's', 's', 't', 'u', 'c', 'c', 's', 'u', 't'];
  used uuid;
  i integer;
begin
  perform private.post_wallet_entry(client_id, 500, 'admin_adjustment', 'adjustment', null, admin_id, 'Demo welcome bonus', 'seed-welcome-client');
  perform private.post_wallet_entry(buyer_id, 200, 'admin_adjustment', 'adjustment', null, admin_id, 'Demo welcome bonus', 'seed-welcome-buyer');

  for i in 1..array_length(uses, 1) loop
    perform private.use_tool(client_id,
      case uses[i] when 's' then summariser when 't' then translator when 'u' then upscaler else cleaner end,
      'seed-client-use-' || i);
  end loop;
  for i in 1..4 loop
    perform private.use_tool(buyer_id, case when i % 2 = 0 then upscaler else summariser end, 'seed-buyer-use-' || i);
  end loop;

  -- Ratings: the clients rate some of their usages (the trigger keeps each tool's average).
  insert into public.feedback (usage_id, tool_id, client_id, rating, review)
  select u.id, u.tool_id, u.client_id, r.rating, r.review
  from (values
    ('seed-client-use-1', 5, 'Spot on, saved me an hour.'),
    ('seed-client-use-4', 4, 'Good translation, a few stiff phrases.'),
    ('seed-client-use-5', 5, 'Crisp results.'),
    ('seed-client-use-6', 3, 'Fixed the dates, missed some duplicates.'),
    ('seed-buyer-use-1', 4, null)
  ) as r (idempotency_key, rating, review)
  join public.usages as u on u.idempotency_key = r.idempotency_key;

  -- Waiting for the admin: a refund request from the buyer, a payout request from creator@.
  perform set_config('request.jwt.claims', json_build_object('sub', buyer_id, 'role', 'authenticated')::text, true);
  select u.id into used from public.usages as u where u.client_id = buyer_id and u.idempotency_key = 'seed-buyer-use-2';
  perform private.request_refund(used, 'The upscaled photo came out grainy.', 'seed-refund-buyer');
  perform set_config('request.jwt.claims', json_build_object('sub', creator_id, 'role', 'authenticated')::text, true);
  perform private.request_payout(10, 'seed-payout-creator');
  perform set_config('request.jwt.claims', '', true);

  -- Everyone else's earnings reach their wallets too (as the every-minute job would do).
  perform private.settle_all_earnings();
end;
$$;

-- ---------------------------------------------------------------------------------------- support
do $$
declare
  client_id uuid := (select id from auth.users where email = 'client@example.test');
  admin_id uuid := (select id from auth.users where email = 'admin@example.test');
  ticket uuid;
begin
  insert into public.support_tickets (user_id, subject, priority) values (client_id, 'How do I buy more points?', 'normal') returning id into ticket;
  insert into public.support_messages (ticket_id, author_id, body) values
    (ticket, client_id, 'My balance is getting low. Where can I top up?');
  insert into public.support_messages (ticket_id, author_id, body) values
    (ticket, admin_id, 'Points packages are under Wallet → Top up; vouchers work too. Anything else?');
  update public.support_tickets set assigned_to = admin_id where id = ticket;
end;
$$;

-- ---------------------------------------------------------------------------------------- site content
insert into public.site_content (kind, slug, title, body, published, author_id)
select c.kind::public.content_kind, c.slug, c.title, c.body, c.published, (select id from auth.users where email = 'admin@example.test')
from (values
  ('page', 'about', 'About the marketplace', 'Clients spend points on tools built by independent creators, who are paid their share.', true),
  ('page', 'terms', 'Terms of use', 'Points are not money and cannot be exchanged back, except through refunds.', true),
  ('announcement', 'welcome', 'The marketplace is open', 'Four tools are live; more are under review.', true),
  ('announcement', 'voice-tools', 'Voice tools are coming', 'A voice cloner is under review.', false)
) as c (kind, slug, title, body, published);
