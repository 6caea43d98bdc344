/**
 * Attacks on deleting and exporting users: deleting someone else without being an admin, deleting
 * yourself with a stolen session (no or a wrong password), leaving a business without its owner,
 * exporting or reading someone else's export. Each is refused with a stable 4xx code and changes nothing.
 */
import { createClient as createSupabaseClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { createUser, fullHistory, signInError, sql, stack } from '../identity/user-data-support.ts';

const exists = async (id: string) => (await sql('select 1 from auth.users where id = $1', [id])).length === 1;

describe('deleting users', () => {
  it('a non-admin cannot delete another user', async () => {
    const [attacker, victim] = await Promise.all([createUser('tool_creator'), createUser('client')]);
    const { error } = await attacker.kit.userData.deleteUser(victim.id);
    expect(error?.code).toBe('forbidden');
    expect(error?.status).toBe(403);
    expect(await exists(victim.id)).toBe(true);
  });

  it('a stolen session cannot delete the account without the password or the mailed code', async () => {
    const victim = await createUser('client');
    const none = await victim.kit.userData.deleteAccount({});
    expect(none.error?.code).toBe('reauthentication_needed');
    const wrongPassword = await victim.kit.userData.deleteAccount({ current_password: 'guessed-password-1' });
    expect(wrongPassword.error?.code).toBe('invalid_current_password');
    const wrongCode = await victim.kit.userData.deleteAccount({ nonce: '123456' });
    expect(wrongCode.error?.code).toBe('reauthentication_needed');
    expect(await exists(victim.id)).toBe(true);
    expect(await signInError(victim)).toBeNull();
  });

  it('deleting the owner of a business is refused with 409 account_owner, through the function and the Auth admin API', async () => {
    const { owner, accountId } = await fullHistory();
    const admin = await createUser('admin');
    const { error } = await admin.kit.userData.deleteUser(owner.id);
    expect(error?.code).toBe('account_owner');
    expect(error?.status).toBe(409);
    expect(error?.message).toContain('delete from public.accounts where id');
    const self = await owner.kit.userData.deleteAccount({ current_password: owner.password });
    expect(self.error?.code).toBe('account_owner');
    const service = createSupabaseClient(stack.url, stack.secretKey, { auth: { persistSession: false, autoRefreshToken: false } });
    expect((await service.auth.admin.deleteUser(owner.id)).error).not.toBeNull();
    expect(await exists(owner.id)).toBe(true);
    const [profile] = await sql('select deleted_at from public.profiles where id = $1', [owner.id]);
    expect(profile?.deleted_at).toBeNull();
    const [member] = await sql('select is_active from public.account_members where account_id = $1 and user_id = $2', [accountId, owner.id]);
    expect(member?.is_active).toBe(true);
  });
});

describe('exporting data', () => {
  it("nobody exports another user's data, nor reads their export job", async () => {
    const [attacker, victim] = await Promise.all([createUser('client'), createUser('client')]);
    const { error } = await attacker.kit.supabase.rpc('request_data_export', { user_id: victim.id });
    expect(error?.code).toBe('forbidden');
    expect(await sql("select 1 from private.jobs where type = 'users.export_data' and (owner_id = $1 or payload ->> 'user_id' = $1::text)", [victim.id])).toHaveLength(0);
    const { data: job } = await victim.kit.userData.requestExport();
    const peek = await attacker.kit.userData.exportResult(job!.id);
    expect(peek.data).toBeNull();
    expect(peek.error?.status).toBe(404);
  });
});
