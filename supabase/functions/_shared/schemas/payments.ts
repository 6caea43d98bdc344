/**
 * Request shapes of the payments and vouchers flows, defined once with zod: the `payments` function
 * validates bodies with them and the SDK validates input with the same schemas before sending
 * anything. Pure zod, no Deno or Node APIs, so both runtimes import it.
 */
import { z } from 'zod';

const PRICE_FROM_DATABASE = 'The amount and currency come from the price list; do not send them';
/** A field a client must not send: any value (even null) is refused with a clear message (and does not type-check). */
const refused = z.undefined({ error: PRICE_FROM_DATABASE }).optional();

/**
 * Body of `POST /functions/v1/payments`: what to buy, by id — exactly one of a voucher type and a
 * points package. Amount and currency are never accepted from the client.
 */
export const createPaymentSchema = z
  .strictObject({
    voucher_type_id: z.uuid('Use the id of a voucher type').optional(),
    points_package_id: z.uuid('Use the id of a points package').optional(),
    amount: refused,
    currency: refused,
  })
  .refine((value) => (value.voucher_type_id === undefined) !== (value.points_package_id === undefined), {
    message: 'Name exactly one of voucher_type_id and points_package_id',
  });
export type CreatePaymentInput = z.input<typeof createPaymentSchema>;

/** Body of `POST /functions/v1/payments/<id>/refund` (admins). */
export const refundPaymentSchema = z.strictObject({
  reason: z.enum(['requested_by_customer', 'duplicate', 'fraudulent']).optional(),
});
export type RefundPaymentInput = z.input<typeof refundPaymentSchema>;

/** A payment id in a path. */
export const paymentIdSchema = z.uuid('Use the id of a payment');

/** Crockford base-32 voucher code, dashes and spaces optional (the database normalises it). */
export const voucherCodeSchema = z
  .string({ error: 'Enter a voucher code' })
  .trim()
  .max(64, 'At most 64 characters')
  .regex(/^[0-9A-Za-z\s-]{16,}$/, 'A voucher code is 16 letters and digits, like ABCD-EFGH-JKMN-PQRS');

/** `redeem_voucher` input as the SDK takes it. */
export const redeemVoucherSchema = z.strictObject({
  code: voucherCodeSchema,
  service_type: z.string({ error: 'Name the service' }).regex(/^[a-z][a-z0-9_]{0,62}$/, 'Use a service type identifier such as exam_results'),
  details: z
    .record(z.string(), z.unknown())
    .refine((value) => JSON.stringify(value).length <= 4096, 'At most 4 kB of details')
    .optional(),
});
export type RedeemVoucherInput = z.input<typeof redeemVoucherSchema>;

/** A date range for statistics, in UTC days (YYYY-MM-DD), inclusive. */
export const dateRangeSchema = z
  .strictObject({
    from: z.iso.date('Use a date like 2026-01-31'),
    to: z.iso.date('Use a date like 2026-01-31'),
  })
  .refine((value) => value.from <= value.to, { message: 'from must be on or before to', path: ['to'] });
export type DateRangeInput = z.input<typeof dateRangeSchema>;
