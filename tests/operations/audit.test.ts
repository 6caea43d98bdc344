/**
 * The audit log through the SDK: each privileged action leaves exactly one entry with actor,
 * before/after and time; admins filter it; RLS hides it from everyone else; nobody can change it.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, sql, type TestUser } from './support.ts';

describe('kit.admin.audit', () => {
  let admin: TestUser;
  let user: TestUser;
  beforeAll(async () => {
    [admin, user] = await Promise.all([createUser('admin'), createUser('client')]);
  });

  it('records a role change once, with the admin as actor and the roles before and after', async () => {
    const started = new Date(Date.now() - 1000).toISOString();
    const changed = await admin.kit.admin.users.setRole(user.id, { role: 'tool_creator' });
    expect(changed.error).toBeNull();
    const { data, error } = await admin.kit.admin.audit.list({ action: 'user.role_changed', target_id: user.id, from: started });
    expect(error).toBeNull();
    expect(data?.total).toBe(1);
    expect(data?.items[0]).toMatchObject({
      actor_id: admin.id,
      actor_role: 'authenticated',
      target_type: 'user',
      target_id: user.id,
      before: { role: 'client' },
      after: { role: 'tool_creator' },
    });
  });

  it('records an admin points adjustment once, and not a retry of it', async () => {
    const key = randomUUID();
    expect((await admin.kit.admin.wallet.adjust({ user_id: user.id, amount: 40, reason: 'audit test' }, { idempotencyKey: key })).error).toBeNull();
    expect((await admin.kit.admin.wallet.adjust({ user_id: user.id, amount: 40, reason: 'audit test' }, { idempotencyKey: key })).error).toBeNull();
    const { data } = await admin.kit.admin.audit.list({ action: 'wallet.', target_id: user.id });
    expect(data?.items).toHaveLength(1);
    expect(data?.items[0]).toMatchObject({ action: 'wallet.admin_adjustment', actor_id: admin.id, after: { amount: 40, reason: 'audit test' } });
  });

  it('refuses non-admins with forbidden, and the table shows them nothing', async () => {
    const { data, error } = await user.kit.admin.audit.list();
    expect(data).toBeNull();
    expect(error?.code).toBe('forbidden');
    expect((await user.kit.supabase.from('audit_log').select('id')).data).toEqual([]);
  });

  it('cannot be changed or deleted, even by the database owner', async () => {
    await expect(sql('update public.audit_log set action = $1', ['forged.entry'])).rejects.toThrow(/append-only/);
    await expect(sql('delete from public.audit_log')).rejects.toThrow(/append-only/);
    const forged = await user.kit.supabase.from('audit_log').insert({ actor_role: 'x', action: 'forged.entry', target_type: 'x' });
    expect(forged.error).not.toBeNull();
  });
});
