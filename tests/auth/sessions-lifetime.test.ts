/**
 * Refresh sessions end after 7 days of inactivity and 30 days in total (`[auth.sessions]
 * inactivity_timeout = "168h"`, `timebox = "720h"` in supabase/config.toml), as GoTrue enforces them:
 * the refresh grant answers 400 `session_expired`. The clock is moved by ageing the session row.
 */
import { describe, expect, it } from 'vitest';
import { sessionValidity } from '../../src/auth/tokens/validity.ts';
import { loadAuthConfig } from '../../src/auth/config.ts';
import { createUser, kit, sql } from '../crm/support.ts';

const DAY = 24 * 3600 * 1000;

async function signedInSession(): Promise<{ refreshToken: string; sessionId: string; client: ReturnType<typeof kit> }> {
  const user = await createUser('lifetime');
  const { data } = await user.kit.supabase.auth.getSession();
  const token = data.session!.access_token;
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { session_id: string };
  return { refreshToken: data.session!.refresh_token, sessionId: claims.session_id, client: user.kit };
}

async function age(sessionId: string, createdDaysAgo: number, refreshedDaysAgo: number | null): Promise<void> {
  await sql(
    `update auth.sessions set created_at = now() - make_interval(days => $2),
       refreshed_at = case when $3::int is null then null else (now() at time zone 'utc') - make_interval(days => $3::int) end
     where id = $1`,
    [sessionId, createdDaysAgo, refreshedDaysAgo],
  );
}

describe('refresh session lifetime', () => {
  it('reads [auth.sessions] from config.toml', () => {
    expect(loadAuthConfig().sessions).toEqual({ timeboxSeconds: 30 * 24 * 3600, inactivityTimeoutSeconds: 7 * 24 * 3600 });
  });

  it('decides like GoTrue: not_after, then timebox from creation, then inactivity from the last refresh', () => {
    const limits = { timeboxSeconds: 30 * 24 * 3600, inactivityTimeoutSeconds: 7 * 24 * 3600 };
    const now = Date.parse('2026-12-31T00:00:00Z');
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
    expect(sessionValidity({ created_at: at(29), refreshed_at: at(6), not_after: null }, limits, now)).toBe('valid');
    expect(sessionValidity({ created_at: at(31), refreshed_at: at(1), not_after: null }, limits, now)).toBe('past_timebox');
    expect(sessionValidity({ created_at: at(10), refreshed_at: at(8), not_after: null }, limits, now)).toBe('timed_out');
    expect(sessionValidity({ created_at: at(8), refreshed_at: null, not_after: null }, limits, now)).toBe('timed_out');
    expect(sessionValidity({ created_at: at(1), refreshed_at: null, not_after: at(0.5) }, limits, now)).toBe('past_not_after');
    expect(sessionValidity({ created_at: at(400), refreshed_at: at(300), not_after: null }, { timeboxSeconds: 0, inactivityTimeoutSeconds: 0 }, now)).toBe('valid');
  });

  it('a session refreshed within 7 days and younger than 30 days still refreshes', async () => {
    const { refreshToken, sessionId, client } = await signedInSession();
    await age(sessionId, 29, 6);
    const refreshed = await client.supabase.auth.refreshSession({ refresh_token: refreshToken });
    expect(refreshed.error).toBeNull();
  });

  it('a session idle for more than 7 days cannot be refreshed', async () => {
    const { refreshToken, sessionId, client } = await signedInSession();
    await age(sessionId, 8, 8);
    const refreshed = await client.supabase.auth.refreshSession({ refresh_token: refreshToken });
    expect(refreshed.error?.code).toBe('session_expired');
    expect(refreshed.error?.status).toBe(400);
  });

  it('a session never refreshed since a sign-in 8 days ago cannot be refreshed', async () => {
    const { refreshToken, sessionId, client } = await signedInSession();
    await age(sessionId, 8, null);
    expect((await client.supabase.auth.refreshSession({ refresh_token: refreshToken })).error?.code).toBe('session_expired');
  });

  it('a session older than 30 days cannot be refreshed even when used every day', async () => {
    const { refreshToken, sessionId, client } = await signedInSession();
    await age(sessionId, 31, 0);
    const refreshed = await client.supabase.auth.refreshSession({ refresh_token: refreshToken });
    expect(refreshed.error?.code).toBe('session_expired');
  });
});
