/**
 * The auth server's e-mail send limit (`[auth.rate_limit] email_sent` per hour) applies to every mail it
 * sends — invites included — whether confirmations are on or off, so one caller cannot flood inboxes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthClient } from '@supabase/supabase-js';
import { ownStack, randomIp, stack, startExtraAuthServer, uniqueEmail, type ExtraAuthServer } from '../auth/support.ts';

describe.skipIf(!ownStack)('an attacker mailing many addresses from one client address', () => {
  let server: ExtraAuthServer;

  beforeAll(async () => {
    server = await startExtraAuthServer({ STACK_AUTH_ENABLE_CONFIRMATIONS: 'false', STACK_AUTH_EMAIL_SENT: '2' });
  });

  afterAll(async () => {
    await (server as ExtraAuthServer | undefined)?.stop(); // unset when beforeAll failed
  });

  function auth(ip: string, key = stack.anonKey): InstanceType<typeof AuthClient> {
    return new AuthClient({
      url: server.url,
      headers: { apikey: key, Authorization: `Bearer ${key}`, 'X-Forwarded-For': ip },
      persistSession: false,
      autoRefreshToken: false,
      detectSessionInUrl: false,
    });
  }

  it('is refused magic links beyond the limit even in autoconfirm mode', async () => {
    const ip = randomIp();
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++) codes.push((await auth(ip).signInWithOtp({ email: uniqueEmail('flood') })).error?.code);
    expect(codes).toContain('over_email_send_rate_limit');
  });

  it('is refused invites beyond the limit', async () => {
    const ip = randomIp();
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push((await auth(ip, stack.serviceRoleKey).admin.inviteUserByEmail(uniqueEmail('flood'))).error?.code);
    }
    expect(codes).toContain('over_email_send_rate_limit');
  });
});
