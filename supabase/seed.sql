-- Demo data for the local stack (applied by `npm run dev` on a new database and by `supabase db reset`).
-- Every demo user's password is `demo-password`; they are marked `demo: true` in their metadata so
-- the stack's status block can list them. Rows follow the auth server's conventions: empty strings
-- for unused token columns, `{}` for metadata (NULLs there break Supabase Auth).

insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  confirmation_token, recovery_token, email_change_token_new, email_change_token_current,
  email_change, phone_change, phone_change_token, reauthentication_token
) values (
  '00000000-0000-0000-0000-000000000000', 'd0000000-0000-4000-8000-000000000001', 'authenticated', 'authenticated',
  'demo@example.test', extensions.crypt('demo-password', extensions.gen_salt('bf', 10)), now(),
  '{"provider":"email","providers":["email"]}', '{"demo":true,"first_name":"Demo","last_name":"User"}', now(), now(),
  '', '', '', '', '', '', '', ''
);

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
values (
  'd0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001',
  '{"sub":"d0000000-0000-4000-8000-000000000001","email":"demo@example.test","email_verified":true,"phone_verified":false}',
  'email', now(), now(), now()
);
