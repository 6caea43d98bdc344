/**
 * Whether a session may still be refreshed, as GoTrue's `Session.CheckValidity` decides it: past its
 * `not_after`, past `[auth.sessions] timebox` since it was created, or idle longer than
 * `[auth.sessions] inactivity_timeout` since it was last refreshed (its creation when never
 * refreshed). A zero setting is off. The refresh grant answers any of them with 400 `session_expired`.
 */
import type { SessionRow } from '../db/rows.ts';

/** Session lifetime settings, in seconds (0 = no limit). */
export interface SessionLimits {
  timeboxSeconds: number;
  inactivityTimeoutSeconds: number;
}

/** Why a session is no longer valid, or `valid`. */
export type SessionValidity = 'valid' | 'past_not_after' | 'past_timebox' | 'timed_out';

export function sessionValidity(session: Pick<SessionRow, 'created_at' | 'refreshed_at' | 'not_after'>, limits: SessionLimits, now: number = Date.now()): SessionValidity {
  if (session.not_after !== null && now > Date.parse(session.not_after)) return 'past_not_after';
  const created = Date.parse(session.created_at);
  if (limits.timeboxSeconds > 0 && now > created + limits.timeboxSeconds * 1000) return 'past_timebox';
  const lastRefreshed = session.refreshed_at ? Date.parse(session.refreshed_at) : created;
  if (limits.inactivityTimeoutSeconds > 0 && now > lastRefreshed + limits.inactivityTimeoutSeconds * 1000) return 'timed_out';
  return 'valid';
}
