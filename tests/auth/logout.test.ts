/**
 * `POST /logout?scope=global|local|others` through supabase-js `signOut`.
 */
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { authFetch, client, PASSWORD, signedUpUser, sql, type TestUser } from './support.ts';

/** The user of `base` signed in on two more clients: three sessions in all. */
async function threeSessions(base: TestUser) {
  const second = client();
  const third = client();
  const s2 = await second.auth.signInWithPassword({ email: base.email, password: PASSWORD });
  const s3 = await third.auth.signInWithPassword({ email: base.email, password: PASSWORD });
  return { second: s2.data.session!, third: s3.data.session!, secondClient: second };
}

async function sessionIds(userId: string): Promise<string[]> {
  const rows = await sql<{ id: string }>('select id from auth.sessions where user_id = $1 order by created_at', [userId]);
  return rows.map((r) => r.id);
}

const sessionOf = (accessToken: string) => decodeJwt(accessToken).session_id as string;

describe('signOut', () => {
  it('scope local ends only the calling session (its refresh tokens and AMR claims cascade)', async () => {
    const base = await signedUpUser('local');
    const { second, third, secondClient } = await threeSessions(base);
    const { error } = await secondClient.auth.signOut({ scope: 'local' });
    expect(error).toBeNull();
    expect((await sessionIds(base.user.id)).sort()).toEqual([sessionOf(base.session.access_token), sessionOf(third.access_token)].sort());
    expect(await sql('select 1 from auth.refresh_tokens where session_id = $1', [sessionOf(second.access_token)])).toHaveLength(0);
    expect(await sql('select 1 from auth.mfa_amr_claims where session_id = $1', [sessionOf(second.access_token)])).toHaveLength(0);
    expect((await client().auth.refreshSession({ refresh_token: second.refresh_token })).error?.code).toBe('refresh_token_not_found');
  });

  it('scope others ends every session but the calling one', async () => {
    const base = await signedUpUser('others');
    const { second, third } = await threeSessions(base);
    const { error } = await base.client.auth.signOut({ scope: 'others' });
    expect(error).toBeNull();
    expect(await sessionIds(base.user.id)).toEqual([sessionOf(base.session.access_token)]);
    for (const s of [second, third]) {
      expect((await client().auth.refreshSession({ refresh_token: s.refresh_token })).error?.code).toBe('refresh_token_not_found');
    }
  });

  it('scope global (the default) ends every session of the user', async () => {
    const base = await signedUpUser('global');
    await threeSessions(base);
    const { error } = await base.client.auth.signOut();
    expect(error).toBeNull();
    expect(await sessionIds(base.user.id)).toEqual([]);
    const audit = await sql(`select 1 from auth.audit_log_entries where payload->>'actor_id' = $1 and payload->>'action' = 'logout'`, [base.user.id]);
    expect(audit).toHaveLength(1);
  });

  it('answers 204 with an empty body', async () => {
    const { session } = await signedUpUser('nocontent');
    const response = await authFetch('/logout?scope=local', { method: 'POST', bearer: session.access_token });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
  });

  it('refuses an unknown scope with validation_failed and ends nothing', async () => {
    const { session, user } = await signedUpUser('badscope');
    const response = await authFetch('/logout?scope=everything', { method: 'POST', bearer: session.access_token });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(await sessionIds(user.id)).toHaveLength(1);
  });
});
