/**
 * Devices (seed 004) through the SDK: every sign-in is recorded on its device from Auth's sessions, a
 * sign-in from a new device is flagged, and a user signs one device out without touching the others.
 */
import { describe, expect, it } from 'vitest';
import { sourceAddressFor } from '../helpers/client-address.ts';
import { createUser, eventually, kit, sql } from './support.ts';

const LAPTOP = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Firefox/121.0';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Safari/604.1';

describe('devices', () => {
  it('records two sign-ins from different user agents as two devices, the second one flagged as new', async () => {
    const user = await createUser('client', { userAgent: LAPTOP });
    const phone = kit({ userAgent: PHONE, ip: sourceAddressFor('203.0.113.77') });
    expect((await phone.auth.signIn({ email: user.email, password: user.password })).error).toBeNull();

    const { data, error } = await user.kit.auth.devices.list();
    expect(error).toBeNull();
    expect(data!.items).toHaveLength(2);
    const byAgent = Object.fromEntries(data!.items.map((d) => [d.user_agent, d]));
    expect(byAgent[LAPTOP]).toMatchObject({ is_new_device: false, sign_in_count: 1, active_sessions: 1 });
    expect(byAgent[PHONE]).toMatchObject({ is_new_device: true, sign_in_count: 1, active_sessions: 1, ip: sourceAddressFor('203.0.113.77') });
    expect(data!.items[0]!.user_agent).toBe(PHONE); // most recently seen first
    expect(Date.parse(byAgent[PHONE]!.first_seen_at)).toBeGreaterThan(0);
  });

  it('counts another sign-in from a known device instead of adding one', async () => {
    const user = await createUser('tool_creator', { userAgent: LAPTOP });
    const again = kit({ userAgent: LAPTOP });
    await again.auth.signIn({ email: user.email, password: user.password });
    const { data } = await user.kit.auth.devices.list();
    expect(data!.items).toHaveLength(1);
    expect(data!.items[0]).toMatchObject({ sign_in_count: 2, active_sessions: 2, is_new_device: false });
  });

  it('marks a device seen again when its session is refreshed', async () => {
    const user = await createUser('client', { userAgent: LAPTOP });
    await sql(`update public.devices set last_seen_at = now() - interval '1 day' where user_id = $1`, [user.id]);
    expect((await user.kit.auth.refreshSession()).error).toBeNull();
    const { data } = await user.kit.auth.devices.list();
    expect(Date.now() - Date.parse(data!.items[0]!.last_seen_at)).toBeLessThan(60_000);
  });

  it('signs one device out: its session ends, the other device stays signed in', async () => {
    const user = await createUser('client', { userAgent: LAPTOP });
    const phone = kit({ userAgent: PHONE });
    await phone.auth.signIn({ email: user.email, password: user.password });
    const phoneDevice = (await user.kit.auth.devices.list()).data!.items.find((d) => d.user_agent === PHONE)!;

    const { data, error } = await user.kit.auth.devices.signOut(phoneDevice.id);
    expect(error).toBeNull();
    expect(data).toEqual({ sessions_ended: 1 });

    expect((await phone.auth.refreshSession()).error?.status).toBe(400);
    expect((await user.kit.auth.refreshSession()).error).toBeNull();
    const after = (await user.kit.auth.devices.list()).data!.items.find((d) => d.id === phoneDevice.id)!;
    expect(after.active_sessions).toBe(0);
    expect(after.signed_out_at).not.toBeNull();
  });

  it('shows a normal sign-out as a device with no open session', async () => {
    const user = await createUser('client', { userAgent: LAPTOP });
    const phone = kit({ userAgent: PHONE });
    await phone.auth.signIn({ email: user.email, password: user.password });
    await phone.auth.signOut({ scope: 'local' });
    await eventually(
      async () => {
        const { data } = await user.kit.auth.devices.list();
        return data?.items.find((d) => d.user_agent === PHONE)?.active_sessions === 0;
      },
      5_000,
      'the phone to show no open session',
    );
  });

  it('does not let another user see or sign out my devices', async () => {
    const [owner, stranger] = await Promise.all([createUser('client', { userAgent: LAPTOP }), createUser('client', { userAgent: PHONE })]);
    const device = (await owner.kit.auth.devices.list()).data!.items[0]!;
    expect((await stranger.kit.auth.devices.list()).data!.items.map((d) => d.id)).not.toContain(device.id);
    const { error } = await stranger.kit.auth.devices.signOut(device.id);
    expect(error).toMatchObject({ code: 'not_found', status: 404 });
    expect((await owner.kit.auth.refreshSession()).error).toBeNull();
  });

  it('needs a signed-in user', async () => {
    expect((await kit().auth.devices.list()).error?.code).toBe('unauthorized');
  });
});
