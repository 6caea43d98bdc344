-- Subscriptions with Stripe Billing: the wallet ledger kind of a user plan's monthly points allowance.
-- Its own migration: a new enum value cannot be used in the transaction that adds it.
alter type public.wallet_entry_kind add value if not exists 'subscription_allowance';
comment on type public.wallet_entry_kind is
  'Why a wallet balance changed: purchase (points bought), spend (a tool used), refund (a usage refunded: + for the client, − for the creator), admin_adjustment (an admin added or deducted points, with a reason), voucher (a voucher redeemed), earning (a creator''s share of a usage), payout (points held for a payout request: −, or returned when it is rejected: +), subscription_allowance (a user plan''s monthly points, once per paid invoice).';
