/**
 * Request shapes of the business-account flows (register, review, add a member, create a batch),
 * defined once with zod: the Edge Functions validate bodies with them (400 with field-level details)
 * and the SDK validates input with the same schemas before sending anything. Pure zod, so Deno and
 * Node both import it. Limits mirror the constraints on `public.accounts` / `public.account_members`
 * (the database stays the last word).
 */
import { z } from 'zod';
import { emailField, phoneField } from './identity.ts';

/** `public.account_role`. */
export const accountRoles = ['owner', 'admin', 'member'] as const;
export type AccountRole = (typeof accountRoles)[number];

/** `public.account_permission`. */
export const accountPermissions = ['view_all_clients', 'manage_all_clients', 'manage_packages', 'view_payments', 'manage_payments', 'manage_members'] as const;
export type AccountPermission = (typeof accountPermissions)[number];

/** `public.account_status`. */
export const accountStatuses = ['pending', 'active', 'rejected', 'suspended'] as const;
export type AccountStatus = (typeof accountStatuses)[number];

/** Largest batch one call may create. */
export const MAX_BATCH_SIZE = 500;

const uuidField = z.uuid({ error: 'Must be an id (UUID)' });
const redirectField = z.url({ error: 'Enter an absolute URL' }).max(2048, 'At most 2048 characters');
const fullNameField = z.string({ error: 'Enter a name' }).trim().min(1, 'Required').max(120, 'At most 120 characters');
const jobTitleField = z.string().trim().min(1, 'Required').max(120, 'At most 120 characters');

/** Body of `accounts-register`: a business the signed-in caller registers (and will own). */
export const businessRegistrationSchema = z.strictObject({
  name: z.string({ error: 'Enter the business name' }).trim().min(2, 'At least 2 characters').max(120, 'At most 120 characters'),
  slug: z
    .string()
    .min(2, 'At least 2 characters')
    .max(60, 'At most 60 characters')
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Use lower-case letters and digits separated by single hyphens')
    .optional(),
  contact_name: z.string().trim().min(1, 'Required').max(120, 'At most 120 characters').optional(),
  contact_email: emailField.optional(),
  contact_phone: phoneField.optional(),
});
export type BusinessRegistrationInput = z.input<typeof businessRegistrationSchema>;

const personNameField = z.string({ error: 'Required' }).trim().min(1, 'Required').max(100, 'At most 100 characters');

/** The owner (B2B admin) a platform admin creates a business for: invited by e-mail to set a password. */
export const businessOwnerSchema = z.strictObject({
  email: emailField,
  first_name: personNameField,
  last_name: personNameField,
});
export type BusinessOwnerInput = z.input<typeof businessOwnerSchema>;

/**
 * A platform admin creates a business with its owner in one call (seed 001: "B2B admin registration
 * (Admin only)"): the business fields of `businessRegistrationSchema`, the owner, and where the
 * owner's invite link lands. The account starts active.
 */
export const businessCreationSchema = businessRegistrationSchema.extend({
  owner: businessOwnerSchema,
  redirect_to: redirectField.optional(),
});
export type BusinessCreationInput = z.input<typeof businessCreationSchema>;

/**
 * Body of `accounts-register`: without `owner` the signed-in caller registers a business they will own
 * (pending); with `owner` a platform admin creates it for that owner (`businessCreationSchema`).
 */
export const accountsRegisterBodySchema = businessRegistrationSchema
  .extend({
    owner: businessOwnerSchema.optional(),
    redirect_to: redirectField.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.redirect_to !== undefined && value.owner === undefined) {
      ctx.addIssue({ code: 'custom', path: ['redirect_to'], message: 'Only used with owner' });
    }
  });

/** What a platform admin decides about an account. */
export const reviewDecisions = ['approve', 'reject', 'suspend', 'reactivate'] as const;
export type ReviewDecision = (typeof reviewDecisions)[number];

/** Body of `accounts-review`. A reason is required to reject or suspend. */
export const accountReviewSchema = z
  .strictObject({
    account_id: uuidField,
    decision: z.enum(reviewDecisions, { error: 'Use approve, reject, suspend or reactivate' }),
    reason: z.string().trim().min(1, 'Required').max(1000, 'At most 1000 characters').optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.decision === 'reject' || value.decision === 'suspend') && !value.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: `A reason is required to ${value.decision}` });
    }
  });
export type AccountReviewInput = z.input<typeof accountReviewSchema>;

/** One new member: who they are. Used alone (a batch row) and inside `memberInviteSchema`. */
export const newMemberSchema = z.strictObject({
  email: emailField,
  full_name: fullNameField,
  phone: phoneField.optional(),
  job_title: jobTitleField.optional(),
});
export type NewMemberInput = z.input<typeof newMemberSchema>;

/** Body of `account-members`: add one member (an Auth invite to set a password). */
export const memberInviteSchema = newMemberSchema.extend({
  account_id: uuidField,
  role: z.enum(['admin', 'member'], { error: 'Use admin or member' }).optional(),
  permissions: z
    .array(z.enum(accountPermissions, { error: `Use one of ${accountPermissions.join(', ')}` }))
    .max(accountPermissions.length, 'Too many permissions')
    .optional(),
  redirect_to: redirectField.optional(),
});
export type MemberInviteInput = z.input<typeof memberInviteSchema>;

/**
 * Body of `account-batches`. Rows are checked one by one (`newMemberSchema`), so one bad row is
 * reported as `invalid` without refusing the others; the batch as a whole is refused (400) only
 * when its own fields are wrong or it has more than 500 rows.
 */
export const memberBatchSchema = z.strictObject({
  account_id: uuidField,
  name: z.string({ error: 'Enter a batch name' }).trim().min(1, 'Required').max(120, 'At most 120 characters'),
  members: z.array(z.unknown(), { error: 'Give the members as a list' }).min(1, 'Add at least one member').max(MAX_BATCH_SIZE, `At most ${MAX_BATCH_SIZE} members per batch`),
  redirect_to: redirectField.optional(),
});
export type MemberBatchInput = Omit<z.input<typeof memberBatchSchema>, 'members'> & { members: NewMemberInput[] };

/** Outcome of one batch row. */
export type BatchRowStatus = 'created' | 'already_exists' | 'invalid' | 'failed';

/** One row of a batch's answer. */
export interface BatchRowResult {
  /** Position of the row in the request (0-based). */
  index: number;
  email: string | null;
  status: BatchRowStatus;
  user_id?: string;
  /** Why an `invalid` or `failed` row was not created (field-level for `invalid`). */
  errors?: Record<string, string[]>;
}
