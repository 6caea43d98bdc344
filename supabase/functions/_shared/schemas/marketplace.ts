/**
 * Request shapes of the wallet and the marketplace, defined once with zod: the use-tool and
 * creator-api functions validate with them, and the SDK validates its input with the same schemas
 * before sending anything. Pure zod, no Deno or Node APIs, so both runtimes import it. Limits mirror
 * the database constraints (the database stays the last word).
 */
import { z } from 'zod';

/** What every mutating call accepts as `Idempotency-Key`: 1–200 printable ASCII characters. */
export const idempotencyKeyField = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'Use 1 to 200 printable ASCII characters');

const uuidField = z.uuid({ error: 'Use a UUID' });

/** A whole number of points. */
const pointsField = z.number({ error: 'Use a whole number of points' }).int('Use a whole number of points');

/**
 * Body of `POST /use-tool`. `expected_price_points` is the price the client saw: a tool that costs
 * anything else now is refused (409 `price_changed`, nothing charged). Optional on the wire for
 * callers from before it existed (they pay the approved price); the SDK always sends it.
 */
export const useToolSchema = z.strictObject({
  tool_id: uuidField,
  expected_price_points: pointsField.min(1, 'A tool costs at least 1 point').max(1_000_000, 'At most 1,000,000 points').optional(),
});
export type UseToolInput = z.input<typeof useToolSchema>;

/** A date range in UTC days, as `YYYY-MM-DD`; both ends optional (default: the last 30 days). */
export const dateRangeSchema = z
  .strictObject({
    from: z.iso.date({ error: 'Use a date like 2026-01-31' }).optional(),
    to: z.iso.date({ error: 'Use a date like 2026-01-31' }).optional(),
  })
  .refine((range) => !range.from || !range.to || range.from <= range.to, { path: ['to'], message: 'The range ends before it starts' });
export type DateRangeInput = z.input<typeof dateRangeSchema>;

/** An id in a URL path (usages, tools…). */
export const idSchema = uuidField;

/** `kit.marketplace.tools.create`. */
export const toolCreateSchema = z.strictObject({
  name: z.string().trim().min(2, 'At least 2 characters').max(100, 'At most 100 characters'),
  description: z.string().max(5000, 'At most 5,000 characters').optional(),
  category: z
    .string()
    .max(40, 'At most 40 characters')
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Use a lower-case slug such as image-generation'),
  price_points: pointsField.min(1, 'A tool costs at least 1 point').max(1_000_000, 'At most 1,000,000 points'),
  creator_share_percent: pointsField.min(0, 'From 0 to 100').max(100, 'From 0 to 100').optional(),
});
export type ToolCreateInput = z.input<typeof toolCreateSchema>;

/** `kit.marketplace.tools.update`: any of the creatable fields. */
export const toolUpdateSchema = toolCreateSchema.partial().refine((value) => Object.keys(value).length > 0, 'Change at least one field');
export type ToolUpdateInput = z.input<typeof toolUpdateSchema>;

/** `kit.wallet.adjust` (admins). */
export const adjustPointsSchema = z.strictObject({
  user_id: uuidField,
  amount: pointsField
    .min(-1_000_000_000, 'At most 1,000,000,000 points either way')
    .max(1_000_000_000, 'At most 1,000,000,000 points either way')
    .refine((value) => value !== 0, 'Adjust by a non-zero number of points'),
  reason: z.string().trim().min(3, 'Say why, in at least 3 characters').max(500, 'At most 500 characters'),
});
export type AdjustPointsInput = z.input<typeof adjustPointsSchema>;

/** `kit.marketplace.payouts.request`. */
export const payoutRequestSchema = z.strictObject({
  amount: pointsField.min(1, 'Request at least 1 point').max(1_000_000_000, 'At most 1,000,000,000 points'),
});
export type PayoutRequestInput = z.input<typeof payoutRequestSchema>;

/** `kit.marketplace.feedback.submit`. */
export const feedbackSchema = z.strictObject({
  usage_id: uuidField,
  rating: pointsField.min(1, 'Rate from 1 to 5').max(5, 'Rate from 1 to 5'),
  review: z.string().max(2000, 'At most 2,000 characters').optional(),
});
export type FeedbackInput = z.input<typeof feedbackSchema>;

/** `kit.marketplace.refunds.request`. */
export const refundRequestSchema = z.strictObject({
  usage_id: uuidField,
  reason: z.string().trim().min(3, 'Say why, in at least 3 characters').max(1000, 'At most 1,000 characters'),
});
export type RefundRequestInput = z.input<typeof refundRequestSchema>;

/** `kit.marketplace.apiKeys.create`. */
export const apiKeyCreateSchema = z.strictObject({
  name: z.string().trim().min(1, 'Name the key').max(100, 'At most 100 characters'),
  expires_at: z.iso.datetime({ offset: true, error: 'Use an ISO date-time' }).optional(),
});
export type ApiKeyCreateInput = z.input<typeof apiKeyCreateSchema>;

/** `kit.support.open`. */
export const ticketOpenSchema = z.strictObject({
  subject: z.string().trim().min(3, 'At least 3 characters').max(200, 'At most 200 characters'),
  body: z.string().trim().min(1, 'Write a message').max(10000, 'At most 10,000 characters'),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).optional(),
});
export type TicketOpenInput = z.input<typeof ticketOpenSchema>;

/** `kit.content.create` (admins). */
export const contentCreateSchema = z.strictObject({
  kind: z.enum(['page', 'announcement']).optional(),
  slug: z
    .string()
    .max(100, 'At most 100 characters')
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Use a lower-case slug such as terms-of-use'),
  title: z.string().trim().min(1, 'Give it a title').max(200, 'At most 200 characters'),
  body: z.string().max(100000, 'At most 100,000 characters').optional(),
  published: z.boolean().optional(),
});
export type ContentCreateInput = z.input<typeof contentCreateSchema>;

/** `kit.content.update` (admins). */
export const contentUpdateSchema = contentCreateSchema.partial().refine((value) => Object.keys(value).length > 0, 'Change at least one field');
export type ContentUpdateInput = z.input<typeof contentUpdateSchema>;
