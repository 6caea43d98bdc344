/**
 * CRM staff as seed 002's employees work, through the SDK: an owner creates an employee with a
 * password who signs in at once and sees what a seed employee sees (all clients, payments read-only);
 * an employee created inactive sees nothing; an owner sets a member's password and the member's
 * sessions end; removing an employee keeps their assignments as history or moves them.
 */
import { describe, expect, it } from 'vitest';
import { createBusiness, kit, sql, strongPassword, uniqueEmail } from './support.ts';

describe('CRM staff', () => {
  it('an owner creates an employee with a password, who signs in at once and sees all clients, payments read-only', async () => {
    const business = await createBusiness();
    const owner = business.owner.kit;
    expect((await owner.accounts.use(business.accountId)).error).toBeNull();
    const client = await owner.crm.clients.create({ first_name: 'Unassigned', last_name: 'Client' });
    expect(client.error).toBeNull();

    const email = uniqueEmail('employee');
    const password = strongPassword();
    const created = await owner.staff.create({ email, password, full_name: 'Jane Smith', job_title: 'Sales Manager', phone: '+14155550123' });
    expect(created.error).toBeNull();
    expect(created.data!.member).toMatchObject({ role: 'member', is_active: true, email, job_title: 'Sales Manager', permissions: ['view_all_clients', 'view_payments'] });
    const [user] = await sql<{ confirmed: boolean }>(`select email_confirmed_at is not null as confirmed from auth.users where id = $1`, [created.data!.member.user_id]);
    expect(user!.confirmed).toBe(true);

    const employee = kit();
    expect((await employee.auth.signIn({ email, password })).error).toBeNull();
    expect((await employee.accounts.use(business.accountId)).error).toBeNull();
    const clients = await employee.crm.clients.list();
    expect(clients.error).toBeNull();
    expect(clients.data!.items.map((c) => c.id)).toContain(client.data!.id);
    expect(clients.data!.per_page).toBe(50);
    // Read-only: no client writes, no payments writes.
    const write = await employee.crm.clients.create({ first_name: 'Nope' });
    expect(write.error).not.toBeNull();
  });

  it('narrowed permissions and an inactive employee', async () => {
    const business = await createBusiness();
    const owner = business.owner.kit;
    await owner.accounts.use(business.accountId);
    await owner.crm.clients.create({ first_name: 'Hidden' });
    const narrow = { email: uniqueEmail('narrow'), password: strongPassword() };
    expect((await owner.staff.create({ ...narrow, full_name: 'Narrow', permissions: [] })).data!.member.permissions).toEqual([]);
    const narrowKit = kit();
    await narrowKit.auth.signIn(narrow);
    await narrowKit.accounts.use(business.accountId);
    expect((await narrowKit.crm.clients.list()).data!.items).toEqual([]);

    const inactive = { email: uniqueEmail('inactive'), password: strongPassword() };
    const created = await owner.staff.create({ ...inactive, full_name: 'Idle', is_active: false });
    expect(created.data!.member.is_active).toBe(false);
    const idle = kit();
    expect((await idle.auth.signIn(inactive)).error).toBeNull();
    const mine = await idle.accounts.mine();
    expect(mine.data!.items).toEqual([expect.objectContaining({ account_id: business.accountId, usable: false })]);
    // Made active later by the owner.
    expect((await owner.accounts.members.reactivate(created.data!.member.user_id)).error).toBeNull();
  });

  it("an owner sets a member's password: the member's sessions end and the new password signs in", async () => {
    const business = await createBusiness();
    const owner = business.owner.kit;
    await owner.accounts.use(business.accountId);
    const email = uniqueEmail('pw');
    const first = strongPassword();
    const created = await owner.staff.create({ email, password: first, full_name: 'Pat' });
    const member = kit();
    expect((await member.auth.signIn({ email, password: first })).error).toBeNull();
    const { data: before } = await member.supabase.auth.getSession();

    const second = strongPassword();
    const set = await owner.staff.setPassword(created.data!.member.user_id, { password: second });
    expect(set.error).toBeNull();
    expect(set.data!.password_set).toBe(true);

    const refreshed = await member.supabase.auth.refreshSession({ refresh_token: before.session!.refresh_token });
    expect(refreshed.error).not.toBeNull();
    expect((await kit().auth.signIn({ email, password: first })).error).not.toBeNull();
    expect((await kit().auth.signIn({ email, password: second })).error).toBeNull();
  });

  it('removing an employee keeps their assignments as history', async () => {
    const business = await createBusiness({ coach: { role: 'member' } });
    const owner = business.owner.kit;
    await owner.accounts.use(business.accountId);
    const coachId = business.members.coach!.id;
    const client = await owner.crm.clients.create({ first_name: 'Coached', coach_id: coachId, setter_id: coachId });
    expect(client.error).toBeNull();

    const removed = await owner.staff.remove(coachId);
    expect(removed.error).toBeNull();
    expect(removed.data).toMatchObject({ history_rows: 2, clients_reassigned: 0, reassigned_to: null });
    const after = await owner.crm.clients.get(client.data!.id);
    expect(after.data).toMatchObject({ coach_id: null, setter_id: null });
    const history = await owner.staff.assignmentHistory({ client_id: client.data!.id });
    expect(history.data!.map((h) => h.assignment).sort()).toEqual(['coach', 'setter']);
    expect(history.data![0]).toMatchObject({ member_id: coachId, member_name: 'coach', ended_by: business.owner.id });
    const [left] = await sql<{ n: number }>(`select count(*)::int as n from public.account_members where user_id = $1`, [coachId]);
    expect(left!.n).toBe(0);
  });

  it('removing an employee moves their assignments to another member', async () => {
    const business = await createBusiness({ leaving: { role: 'member' }, staying: { role: 'admin' } });
    const owner = business.owner.kit;
    await owner.accounts.use(business.accountId);
    const leaving = business.members.leaving!.id;
    const staying = business.members.staying!.id;
    const a = await owner.crm.clients.create({ first_name: 'A', coach_id: leaving, closer_id: staying });
    const b = await owner.crm.clients.create({ first_name: 'B', closer_id: leaving });

    // The admin removes the member, reassigning to themselves.
    const admin = business.members.staying!.kit;
    await admin.accounts.use(business.accountId);
    const removed = await admin.staff.remove(leaving, { assignments: 'reassign', reassign_to: staying });
    expect(removed.error).toBeNull();
    expect(removed.data).toMatchObject({ history_rows: 2, clients_reassigned: 2, reassigned_to: staying });
    expect((await owner.crm.clients.get(a.data!.id)).data).toMatchObject({ coach_id: staying, closer_id: staying });
    expect((await owner.crm.clients.get(b.data!.id)).data).toMatchObject({ closer_id: staying });
    const history = await owner.staff.assignmentHistory({ member_id: leaving });
    expect(history.data!.every((h) => h.reassigned_to === staying)).toBe(true);
  });
});
