-- =====================================================================================================
-- Explicit API grants. New hosted projects (and this project's config.toml: `[api]
-- auto_expose_new_tables = false`) give anon, authenticated and service_role no privileges on new
-- tables, sequences or functions in public: what the Data API may touch is granted here, per table and
-- per role, and nowhere by default.
--
-- The earlier migrations already grant anon and authenticated exactly what their policies serve
-- (table- or column-level) and restrict service_role where the data may change only through SQL
-- functions (wallets, wallet_ledger, usages, payouts, refunds, api_keys, audit_log, tools,
-- tool_revisions, feedback). The tables below relied on the old default for the service role: the
-- secret key (server-side SDK, Edge Functions, admin scripts) reads and writes them over REST, and on a
-- project without the defaults every such call answered 42501. The service role gets the four DML
-- privileges there and nothing more (no TRUNCATE, REFERENCES or TRIGGER); row-level security does not
-- apply to it (BYPASSRLS), the tables' triggers and constraints do.
--
-- Sequences: no API role needs one (wallet_ledger and audit_log are written only by functions that run
-- as their owner), so none is granted.
-- =====================================================================================================

-- identity
grant select, insert, update, delete on public.profiles to service_role;
grant select, insert, update, delete on public.devices to service_role;
grant select, insert, update, delete on public.waitlist to service_role;

-- accounts
grant select, insert, update, delete on public.accounts to service_role;
grant select, insert, update, delete on public.account_members to service_role;
grant select, insert, update, delete on public.member_batches to service_role;

-- CRM
grant select, insert, update, delete on public.crm_clients to service_role;
grant select, insert, update, delete on public.crm_packages to service_role;
grant select, insert, update, delete on public.crm_client_packages to service_role;
grant select, insert, update, delete on public.crm_payments to service_role;
grant select, insert, update, delete on public.crm_instalments to service_role;
grant select, insert, update, delete on public.crm_stripe_customers to service_role;

-- support and content
grant select, insert, update, delete on public.support_tickets to service_role;
grant select, insert, update, delete on public.support_messages to service_role;
grant select, insert, update, delete on public.site_content to service_role;

-- vouchers, points packages, payments
grant select, insert, update, delete on public.voucher_types to service_role;
grant select, insert, update, delete on public.vouchers to service_role;
grant select, insert, update, delete on public.voucher_redemptions to service_role;
grant select, insert, update, delete on public.points_packages to service_role;
grant select, insert, update, delete on public.stripe_customers to service_role;
grant select, insert, update, delete on public.payments to service_role;
grant select, insert, update, delete on public.points_debts to service_role;
