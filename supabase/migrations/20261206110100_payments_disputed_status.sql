-- Card disputes: a payment whose charge the cardholder disputed (charge.dispute.created) is `disputed`
-- until the dispute closes: won → completed again, lost → stays disputed. Its own file, because a new
-- enum value can be used only after the transaction that adds it commits.
alter type public.payment_status add value if not exists 'disputed';
comment on type public.payment_status is
  'pending: waiting for Stripe; completed: paid and fulfilled; failed: the last attempt failed (the customer may retry and it may still complete); refunded: refunded in full, fulfilment reversed; disputed: the cardholder disputed the charge, fulfilment reversed (won → completed again, lost → stays disputed).';
