-- Demo data for the local stack (applied by `npm run dev` on a new database and by `supabase db reset`).
-- Every demo user's password is `demo-password-1`; they are marked `demo: true` in their metadata so
-- the stack's status block can list them. Rows follow the auth server's conventions: empty strings
-- for unused token columns, `{}` for metadata (NULLs there break Supabase Auth).
--
-- One demo user per platform role. The role given in raw_app_meta_data at insert is honoured by the
-- identity triggers (only privileged writers such as this seed can set it): they create each profile
-- with that role and keep app_metadata.role equal to it.

with demo (id, email, role, first_name, last_name, username) as (
  values
    ('d0000000-0000-4000-8000-000000000001'::uuid, 'client@example.test', 'client', 'Cleo', 'Client', 'demo_client'),
    ('d0000000-0000-4000-8000-000000000002'::uuid, 'creator@example.test', 'tool_creator', 'Theo', 'Creator', 'demo_creator'),
    ('d0000000-0000-4000-8000-000000000003'::uuid, 'admin@example.test', 'admin', 'Ada', 'Admin', 'demo_admin')
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
  jsonb_build_object('demo', true, 'first_name', first_name, 'last_name', last_name, 'username', username),
  now(), now(),
  '', '', '', '', '', '', '', ''
from demo;

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select
  u.id::text, u.id,
  jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
  'email', now(), now(), now()
from auth.users u
where u.raw_user_meta_data ->> 'demo' = 'true';
