/**
 * Request shapes for deleting an account (delete-account) and exporting one's data, shared by the
 * function, the SDK and the OpenAPI document.
 */
import { z } from 'zod';

/** Body of `delete-account`. Without `user_id` (or with your own) you delete yourself and must reauthenticate. */
export const deleteAccountSchema = z.strictObject({
  /** Admins: the user to delete. Omitted: yourself. */
  user_id: z.uuid({ error: 'Must be a user id (UUID)' }).optional(),
  /** Your current password (deleting yourself). */
  current_password: z.string({ error: 'Enter your current password' }).min(1, 'Required').max(200, 'At most 200 characters').optional(),
  /** Instead of the password: the code `reauthenticate()` mailed you (deleting yourself). */
  nonce: z
    .string()
    .regex(/^[0-9]{6,10}$/, 'The code from the reauthentication e-mail')
    .optional(),
});
export type DeleteAccountInput = z.input<typeof deleteAccountSchema>;
