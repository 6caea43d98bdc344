/**
 * Request shapes of CRM staff management (seed 002's employees): an owner or admin creates an
 * employee with a password, and sets a member's password. Pure zod, shared by the `account-staff`
 * function and the SDK's StaffClient.
 */
import { z } from 'zod';
import { accountPermissions } from './accounts.ts';
import { emailField, passwordField, phoneField } from './identity.ts';

const uuidField = z.uuid({ error: 'Must be an id (UUID)' });

/** Body of `POST /account-staff`: an employee who can sign in at once with this password. */
export const employeeCreateSchema = z.strictObject({
  account_id: uuidField,
  email: emailField,
  password: passwordField,
  full_name: z.string({ error: 'Enter a name' }).trim().min(1, 'Required').max(120, 'At most 120 characters'),
  phone: phoneField.optional(),
  job_title: z.string().trim().min(1, 'Required').max(120, 'At most 120 characters').optional(),
  role: z.enum(['admin', 'member'], { error: 'Use admin or member' }).optional(),
  /** Omitted: view_all_clients and view_payments (what a seed employee sees); [] narrows to assigned clients. */
  permissions: z
    .array(z.enum(accountPermissions, { error: `Use one of ${accountPermissions.join(', ')}` }))
    .max(accountPermissions.length, 'Too many permissions')
    .optional(),
  is_active: z.boolean().optional(),
});
export type EmployeeCreateInput = z.input<typeof employeeCreateSchema>;

/** Body of `POST /account-staff/password`: a new password for a member of the account. */
export const memberPasswordSchema = z.strictObject({
  account_id: uuidField,
  user_id: uuidField,
  password: passwordField,
});
export type MemberPasswordInput = z.input<typeof memberPasswordSchema>;
