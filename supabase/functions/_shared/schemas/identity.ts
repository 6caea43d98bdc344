/**
 * Request shapes of the identity flows, defined once with zod and used by both sides: the Edge
 * Functions validate bodies with them (400 with field-level details) and the SDK validates input with
 * the same schemas before sending anything. Pure zod, no Deno or Node APIs, so both runtimes import it.
 * Column limits mirror the constraints on `public.profiles` (the database stays the last word).
 */
import { z } from 'zod';

/** The platform roles (`public.platform_role`). */
export const platformRoles = ['client', 'tool_creator', 'admin'] as const;
export type PlatformRole = (typeof platformRoles)[number];

/** bcrypt (and so Supabase Auth) only uses the first 72 bytes of a password. */
const MAX_PASSWORD_BYTES = 72;
const byteLength = (value: string): number => new TextEncoder().encode(value).length;

export const emailField = z.email({ error: 'Enter a valid e-mail address' }).max(254, 'At most 254 characters');

/**
 * The password policy of every flow that sets a password: 8–72 bytes with a letter and a digit — the
 * same as Auth's own (`[auth] minimum_password_length = 8`, `password_requirements = "letters_digits"`,
 * which counts ASCII letters and digits), so a plain `auth.signUp` is held to it too.
 */
export const passwordField = z
  .string({ error: 'Enter a password' })
  .min(8, 'At least 8 characters')
  .refine((value) => byteLength(value) <= MAX_PASSWORD_BYTES, 'At most 72 bytes')
  .refine((value) => /[A-Za-z]/.test(value) && /[0-9]/.test(value), 'Use at least one letter and one digit');

const confirmationField = z.string({ error: 'Repeat the password' }).max(200, 'At most 200 characters');

const nameField = z.string().trim().min(1, 'Required').max(100, 'At most 100 characters');

export const usernameField = z.string().regex(/^[A-Za-z0-9_.]{3,30}$/, 'Use 3–30 letters, digits, "_" or "."');

export const phoneField = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'Use the international format, e.g. +14155550123');

const redirectField = z.url({ error: 'Enter an absolute URL' }).max(2048, 'At most 2048 characters');

/** Adds "Passwords do not match" on `password_confirmation`. */
function passwordsMatch(value: { password?: string | undefined; password_confirmation?: string | undefined }, ctx: z.RefinementCtx): void {
  if (value.password !== value.password_confirmation) {
    ctx.addIssue({ code: 'custom', path: ['password_confirmation'], message: 'Passwords do not match' });
  }
}

/** Body of `register-client` and `register-tool-creator`. */
export const registrationSchema = z
  .strictObject({
    email: emailField,
    password: passwordField,
    password_confirmation: confirmationField,
    first_name: nameField,
    last_name: nameField,
    username: usernameField.optional(),
    phone: phoneField.optional(),
  })
  .superRefine(passwordsMatch);
export type RegistrationInput = z.input<typeof registrationSchema>;

/**
 * Body of `register-admin`. Without a password the new admin is invited by e-mail and sets one up
 * through the invite link (`redirect_to` is where that link lands).
 */
export const adminRegistrationSchema = z
  .strictObject({
    email: emailField,
    password: passwordField.optional(),
    password_confirmation: confirmationField.optional(),
    first_name: nameField,
    last_name: nameField,
    username: usernameField.optional(),
    phone: phoneField.optional(),
    redirect_to: redirectField.optional(),
  })
  .superRefine(passwordsMatch);
export type AdminRegistrationInput = z.input<typeof adminRegistrationSchema>;

/** Body of `change-password`. */
export const changePasswordSchema = z
  .strictObject({
    current_password: z.string({ error: 'Enter your current password' }).min(1, 'Required').max(200, 'At most 200 characters'),
    password: passwordField,
    password_confirmation: confirmationField,
    /** The code `reauthenticate()` mails; needed when the session is more than a day old. */
    nonce: z
      .string()
      .regex(/^[0-9]{6,10}$/, 'The code from the reauthentication e-mail')
      .optional(),
  })
  .superRefine((value, ctx) => {
    passwordsMatch(value, ctx);
    if (value.password === value.current_password) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'Choose a password different from the current one' });
    }
  });
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

/** A new password with its confirmation (password reset, invited user's password set-up). */
export const newPasswordSchema = z
  .strictObject({
    token_hash: z.string().min(1, 'Required').max(512, 'At most 512 characters').optional(),
    password: passwordField,
    password_confirmation: confirmationField,
  })
  .superRefine(passwordsMatch);
export type NewPasswordInput = z.input<typeof newPasswordSchema>;

/** Request of a password reset e-mail. */
export const passwordResetRequestSchema = z.strictObject({
  email: emailField,
  redirect_to: redirectField.optional(),
});
export type PasswordResetRequestInput = z.input<typeof passwordResetRequestSchema>;

/** Body of `ban-user`: ban (for `duration_hours`, default for good) or lift a ban. */
export const banSchema = z
  .strictObject({
    user_id: z.uuid({ error: 'Must be a user id (UUID)' }),
    banned: z.boolean({ error: 'Must be true or false' }),
    duration_hours: z.int({ error: 'Must be a whole number of hours' }).min(1, 'At least 1').max(876_000, 'At most 876000 (100 years)').optional(),
  })
  .superRefine((value, ctx) => {
    if (!value.banned && value.duration_hours !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['duration_hours'], message: 'Only for a ban' });
    }
  });
export type BanInput = z.input<typeof banSchema>;

/** Body of `waitlist` (join). */
export const waitlistJoinSchema = z.strictObject({
  email: emailField,
  // Exported to spreadsheets: nothing a spreadsheet would run as a formula, no control characters.
  source: z
    .string()
    .trim()
    .min(1, 'Required')
    .max(100, 'At most 100 characters')
    .regex(/^[^=+\-@]/, 'Must not start with =, +, - or @')
    .regex(/^[^\p{Cc}]*$/u, 'Must not contain control characters')
    .optional(),
});
export type WaitlistJoinInput = z.input<typeof waitlistJoinSchema>;

/** What a user may change on their own profile (the columns the API roles may update). */
export const profileUpdateSchema = z
  .strictObject({
    first_name: nameField.nullable(),
    last_name: nameField.nullable(),
    username: usernameField.nullable(),
    phone: phoneField.nullable(),
    avatar_url: z
      .url({ protocol: /^https?$/, error: 'Enter an http(s) URL' })
      .max(2048, 'At most 2048 characters')
      .nullable(),
    date_of_birth: z.iso.date({ error: 'Use YYYY-MM-DD' }).nullable(),
    address_line1: z.string().trim().min(1, 'Required').max(200, 'At most 200 characters').nullable(),
    address_line2: z.string().trim().min(1, 'Required').max(200, 'At most 200 characters').nullable(),
    city: z.string().trim().min(1, 'Required').max(100, 'At most 100 characters').nullable(),
    region: z.string().trim().min(1, 'Required').max(100, 'At most 100 characters').nullable(),
    postal_code: z.string().trim().min(1, 'Required').max(20, 'At most 20 characters').nullable(),
    country_code: z
      .string()
      .regex(/^[A-Z]{2}$/, 'Use an ISO 3166-1 alpha-2 code such as DE')
      .nullable(),
    locale: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'Use a language tag such as en or pt-BR'),
    notification_preferences: z.strictObject({
      email: z.boolean(),
      push: z.boolean(),
      sms: z.boolean(),
      marketing: z.boolean(),
    }),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'Nothing to update');
export type ProfileUpdateInput = z.input<typeof profileUpdateSchema>;

/** Filters and page of the admin user list. */
export const userListQuerySchema = z.strictObject({
  role: z.enum(platformRoles).optional(),
  /** b2b: members of a business account; b2c: members of none (seed 001's user list). */
  segment: z.enum(['b2b', 'b2c'], { error: 'Use b2b or b2c' }).optional(),
  search: z.string().trim().max(100, 'At most 100 characters').optional(),
  /** Created at or after (inclusive): a date (midnight UTC) or an ISO 8601 date-time. */
  from: z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'Use a date (2026-01-31) or an ISO 8601 date-time' }).optional(),
  /** Created before (exclusive): a date (midnight UTC) or an ISO 8601 date-time. */
  to: z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'Use a date (2026-01-31) or an ISO 8601 date-time' }).optional(),
  page: z.int().min(1, 'At least 1').optional(),
  per_page: z.int().min(1, 'At least 1').max(1000, 'At most 1000').optional(),
});
export type UserListQuery = z.input<typeof userListQuerySchema>;

/** Field-level validation details: the same shape from the functions (400) and the SDK. */
export interface ValidationDetails {
  /** Messages per field (`notification_preferences.email` for nested ones). */
  fieldErrors: Record<string, string[]>;
  /** Messages about the input as a whole. */
  formErrors: string[];
}

/** Turns zod issues into `ValidationDetails`; an unknown key becomes an error on that key (whatever its name). */
export function validationDetails(error: z.ZodError): ValidationDetails {
  // Collected in a Map, not on an object: a field named `constructor`, `__proto__` or `toString` is
  // just a key (fromEntries defines own properties, so even `__proto__` sets no prototype).
  const fields = new Map<string, string[]>();
  const formErrors: string[] = [];
  const add = (field: string, message: string) => {
    const messages = fields.get(field);
    if (messages) messages.push(message);
    else fields.set(field, [message]);
  };
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(base ? `${base}.${key}` : key, 'Unknown field');
    } else if (base) {
      add(base, issue.message);
    } else {
      formErrors.push(issue.message);
    }
  }
  return { fieldErrors: Object.fromEntries(fields), formErrors };
}

/** A missing value reads "Required" rather than zod's "expected string, received undefined". */
const requiredMessage = (issue: { code: string; input?: unknown }): string | undefined => (issue.code === 'invalid_type' && issue.input === undefined ? 'Required' : undefined);

/** Validates `input` with `schema`: the parsed value, or the field-level details of what is wrong. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): { success: true; data: z.output<S> } | { success: false; details: ValidationDetails } {
  const result = schema.safeParse(input, { error: requiredMessage });
  return result.success ? { success: true, data: result.data } : { success: false, details: validationDetails(result.error) };
}
