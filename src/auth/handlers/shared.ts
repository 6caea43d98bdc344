/**
 * Small pieces several handlers share.
 */
import type { Queryable } from '../db/pool.ts';
import type { UserRow } from '../db/rows.ts';

/** Deletes the user's identities other than `keepId` (only issues a DELETE when there are any). */
export async function deleteIdentitiesExcept(tx: Queryable, user: UserRow, keepId: string): Promise<UserRow> {
  const others = user.identities.filter((i) => i.id !== keepId);
  if (others.length === 0) return user;
  await tx.query({
    name: 'auth_delete_identities_except',
    text: 'delete from auth.identities where user_id = $1 and id != $2',
    values: [user.id, keepId],
  });
  return { ...user, identities: user.identities.filter((i) => i.id === keepId) };
}
