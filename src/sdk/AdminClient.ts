/** `kit.admin`: the platform staff's namespaces (users, waitlist, audit log); each call is admin-checked by the database. */
import type { SupabaseClient } from '@supabase/supabase-js';
import { AdminAuditClient } from './AdminAuditClient.ts';
import { AdminUsersClient } from './AdminUsersClient.ts';
import { AdminWaitlistClient } from './AdminWaitlistClient.ts';
import type { Database } from './database.types.ts';

export class AdminClient {
  /** List, create (admins), set roles, ban and unban users. */
  readonly users: AdminUsersClient;
  /** Read, export and prune the waitlist. */
  readonly waitlist: AdminWaitlistClient;
  /** The append-only log of privileged actions. */
  readonly audit: AdminAuditClient;

  constructor(supabase: SupabaseClient<Database>) {
    this.users = new AdminUsersClient(supabase);
    this.waitlist = new AdminWaitlistClient(supabase);
    this.audit = new AdminAuditClient(supabase);
  }
}
