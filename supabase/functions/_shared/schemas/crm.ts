/**
 * Input shapes of the CRM (the SDK's `kit.crm`), with zod, mirroring the constraints of the `crm_*`
 * tables so a bad input fails before anything is sent, with field-level details. The database stays
 * the last word (and the REST API answers the same mistakes with 400/422). Pure zod: Deno and Node.
 */
import { z } from 'zod';
import { emailField, phoneField } from './identity.ts';

export const crmClientStatuses = ['active', 'inactive', 'onboarding', 'paused', 'cancelled'] as const;
export const crmPaymentSchedules = ['PIF', 'Monthly', 'Quarterly', 'Yearly'] as const;
export const crmClientPackageStatuses = ['active', 'inactive'] as const;
export const crmPaymentStatuses = ['paid', 'failed', 'refunded', 'disputed'] as const;
export const crmInstalmentStatuses = ['open', 'paid', 'failed', 'closed'] as const;
export const crmStripeCustomerStatuses = ['active', 'inactive'] as const;

const idField = z.uuid({ error: 'Must be an id (UUID)' });
/** ISO 4217, stored in lower case ('usd', as vouchers and payments); either case is accepted. */
const currencyField = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'Use an ISO 4217 code such as usd')
  .transform((code) => code.toLowerCase());
const countryField = z.string().regex(/^[A-Z]{2}$/, 'Use an ISO 3166-1 alpha-2 code such as DE');
const dateField = z.iso.date({ error: 'Use YYYY-MM-DD' });
const enumOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `Use one of ${values.join(', ')}` });

/**
 * Money: a whole number of the currency's minor units (cents for usd: 1999 is $19.99), as everywhere
 * in the kit; at most 2^53 - 1 so JSON numbers stay exact.
 */
const money = (min: 'positive' | 'non_negative') =>
  z
    .int({ error: 'Use a whole number of minor units (cents): 1999 is 19.99' })
    .refine((v) => (min === 'positive' ? v > 0 : v >= 0), min === 'positive' ? 'Must be more than 0' : 'Must not be negative')
    .refine((v) => v <= Number.MAX_SAFE_INTEGER, 'Too large');

/** Something to change: at least one field. */
const someChange = (value: object) => Object.keys(value).length > 0;

export const crmClientCreateSchema = z.strictObject({
  first_name: z.string({ error: 'Enter a first name' }).trim().min(1, 'Required').max(100, 'At most 100 characters'),
  last_name: z.string().trim().max(100, 'At most 100 characters').optional(),
  email: emailField.nullable().optional(),
  phone: phoneField.nullable().optional(),
  country: countryField.nullable().optional(),
  currency: currencyField.optional(),
  status: enumOf(crmClientStatuses).optional(),
  coach_id: idField.nullable().optional(),
  closer_id: idField.nullable().optional(),
  setter_id: idField.nullable().optional(),
  notes: z.string().max(5000, 'At most 5000 characters').nullable().optional(),
});
export type CrmClientCreateInput = z.input<typeof crmClientCreateSchema>;
export const crmClientUpdateSchema = crmClientCreateSchema.partial().refine(someChange, 'Nothing to update');
export type CrmClientUpdateInput = z.input<typeof crmClientUpdateSchema>;

export const crmPackageCreateSchema = z.strictObject({
  name: z.string({ error: 'Enter a name' }).trim().min(1, 'Required').max(120, 'At most 120 characters'),
  description: z.string().max(2000, 'At most 2000 characters').nullable().optional(),
  price: money('non_negative').nullable().optional(),
  currency: currencyField.optional(),
  is_active: z.boolean().optional(),
});
export type CrmPackageCreateInput = z.input<typeof crmPackageCreateSchema>;
export const crmPackageUpdateSchema = crmPackageCreateSchema.partial().refine(someChange, 'Nothing to update');
export type CrmPackageUpdateInput = z.input<typeof crmPackageUpdateSchema>;

export const crmClientPackageCreateSchema = z.strictObject({
  client_id: idField,
  package_id: idField,
  custom_price: money('non_negative').nullable().optional(),
  monthly_amount: money('non_negative').nullable().optional(),
  currency: currencyField.optional(),
  payment_schedule: enumOf(crmPaymentSchedules).optional(),
  start_date: dateField.optional(),
  status: enumOf(crmClientPackageStatuses).optional(),
});
export type CrmClientPackageCreateInput = z.input<typeof crmClientPackageCreateSchema>;
export const crmClientPackageUpdateSchema = crmClientPackageCreateSchema.omit({ client_id: true, package_id: true }).partial().refine(someChange, 'Nothing to update');
export type CrmClientPackageUpdateInput = z.input<typeof crmClientPackageUpdateSchema>;

export const crmPaymentCreateSchema = z.strictObject({
  client_id: idField,
  client_package_id: idField.nullable().optional(),
  amount: money('positive'),
  currency: currencyField,
  status: enumOf(crmPaymentStatuses).optional(),
  payment_date: dateField.optional(),
  stripe_payment_id: z.string().min(1, 'Required').max(255, 'At most 255 characters').nullable().optional(),
  description: z.string().max(1000, 'At most 1000 characters').nullable().optional(),
});
export type CrmPaymentCreateInput = z.input<typeof crmPaymentCreateSchema>;
export const crmPaymentUpdateSchema = crmPaymentCreateSchema.omit({ client_id: true }).partial().refine(someChange, 'Nothing to update');
export type CrmPaymentUpdateInput = z.input<typeof crmPaymentUpdateSchema>;

export const crmInstalmentCreateSchema = z.strictObject({
  client_id: idField,
  client_package_id: idField.nullable().optional(),
  payment_id: idField.nullable().optional(),
  instalment_number: z.int({ error: 'Must be a whole number' }).min(1, 'At least 1').max(1000, 'At most 1000'),
  amount: money('positive'),
  currency: currencyField,
  schedule_date: dateField,
  status: enumOf(crmInstalmentStatuses).optional(),
});
export type CrmInstalmentCreateInput = z.input<typeof crmInstalmentCreateSchema>;
export const crmInstalmentUpdateSchema = crmInstalmentCreateSchema.omit({ client_id: true, client_package_id: true }).partial().refine(someChange, 'Nothing to update');
export type CrmInstalmentUpdateInput = z.input<typeof crmInstalmentUpdateSchema>;

export const crmStripeCustomerCreateSchema = z.strictObject({
  client_id: idField,
  stripe_customer_id: z.string().regex(/^cus_[A-Za-z0-9]{1,250}$/, 'A Stripe customer id looks like cus_…'),
  status: enumOf(crmStripeCustomerStatuses).optional(),
});
export type CrmStripeCustomerCreateInput = z.input<typeof crmStripeCustomerCreateSchema>;
export const crmStripeCustomerUpdateSchema = z.strictObject({ status: enumOf(crmStripeCustomerStatuses) });
export type CrmStripeCustomerUpdateInput = z.input<typeof crmStripeCustomerUpdateSchema>;

/**
 * The kit's one date range: `from` inclusive, `to` exclusive, each a date (midnight UTC) or an ISO 8601
 * date-time with an offset. November 2026 is `{ from: '2026-11-01', to: '2026-12-01' }`.
 */
const instantField = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'Use a date (2026-01-31) or an ISO 8601 date-time' });
export const crmRangeSchema = z
  .object({ from: instantField.optional(), to: instantField.optional() })
  .refine((r) => r.from === undefined || r.to === undefined || Date.parse(r.from) < Date.parse(r.to), { message: 'from must be before to', path: ['to'] });
export type CrmRange = z.input<typeof crmRangeSchema>;
