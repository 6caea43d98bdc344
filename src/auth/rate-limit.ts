/**
 * Per-IP token buckets with GoTrue's parameters for the `[auth.rate_limit]` settings:
 * - `token_refresh` per 5 min, burst 30: every `/token` grant;
 * - `sign_in_sign_ups` per 5 min (burst = the setting), separately for sign-up, recover, resend, otp and
 *   `PUT /user`;
 * - `token_verifications` per 5 min, burst 30: `/verify`;
 * - `anonymous_users` per hour: anonymous sign-ups;
 * - `email_sent` per hour: every e-mail the server sends (confirmations, invites, links, e-mail changes,
 *   reauthentication nonces), in autoconfirm mode too, as GoTrue's mailer does.
 * GoTrue keys its e-mail limit globally; here every limit is keyed by client IP so that concurrent test
 * clients with distinct `X-Forwarded-For` do not interfere.
 *
 * On top of the per-IP limits, `AccountGuard` counts failures per ACCOUNT, whatever address they come
 * from: wrong passwords per e-mail address (known or not, so the limit itself reveals nothing), and wrong
 * one-time codes per stored code (after a few, the code is dead and a new one must be requested).
 */

/** One token bucket per key: `capacity` tokens, refilled at `perSecond`. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
  ) {}

  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string, now = Date.now()): boolean {
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Tokens `key` would have now, without taking one. */
  peek(key: string, now = Date.now()): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.capacity;
    return Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
  }

  /** Drops full buckets now and then so the map does not grow with every client ever seen. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond >= this.capacity) this.buckets.delete(key);
    }
  }
}

/** Names of the request limiters. */
export type LimitName = 'token' | 'verify' | 'signup' | 'anonymous' | 'recover' | 'resend' | 'otp' | 'user';

/** Every limiter of one server; `check` is a no-op when limits are off. */
export class RateLimits {
  private readonly limiters: Record<LimitName, RateLimiter>;
  private readonly email: RateLimiter;

  constructor(
    private readonly enabled: boolean,
    settings: {
      tokenPer5Min: number;
      otpPer5Min: number;
      verifyPer5Min: number;
      anonymousPerHour: number;
      emailSentPerHour: number;
    },
  ) {
    const per5Min = (n: number, burst: number) => new RateLimiter(n / 300, burst);
    this.limiters = {
      token: per5Min(settings.tokenPer5Min, 30),
      verify: per5Min(settings.verifyPer5Min, 30),
      signup: per5Min(settings.otpPer5Min, settings.otpPer5Min),
      recover: per5Min(settings.otpPer5Min, settings.otpPer5Min),
      resend: per5Min(settings.otpPer5Min, settings.otpPer5Min),
      otp: per5Min(settings.otpPer5Min, settings.otpPer5Min),
      user: per5Min(settings.otpPer5Min, settings.otpPer5Min),
      anonymous: new RateLimiter(settings.anonymousPerHour / 3600, settings.anonymousPerHour),
    };
    this.email = new RateLimiter(settings.emailSentPerHour / 3600, settings.emailSentPerHour);
  }

  /** Whether a request of this kind from `ip` may proceed. */
  allow(name: LimitName, ip: string): boolean {
    return !this.enabled || this.limiters[name].take(ip);
  }

  /** Whether an e-mail may be sent on behalf of `ip`. */
  allowEmail(ip: string): boolean {
    return !this.enabled || this.email.take(ip);
  }
}

/** Failed password attempts an account may take at once, and how fast it earns new ones. */
export const PASSWORD_FAILURE_BURST = 10;
const PASSWORD_FAILURE_REFILL_SECONDS = 90;

/** Wrong guesses one mailed code (OTP, recovery code, reauthentication nonce) survives. */
export const CODE_FAILURE_LIMIT = 5;

/**
 * Per-account guessing limits (in memory, like the per-IP buckets; a restart forgives).
 * - Password failures per lower-cased e-mail address: a bucket of `PASSWORD_FAILURE_BURST`, one back
 *   every 90 s. While it is empty every password attempt on that address is refused, right or wrong.
 * - Code failures per stored code (`user:kind:hash`): the `CODE_FAILURE_LIMIT`-th wrong guess kills it.
 */
export class AccountGuard {
  private readonly passwords = new RateLimiter(1 / PASSWORD_FAILURE_REFILL_SECONDS, PASSWORD_FAILURE_BURST);
  private readonly codes = new Map<string, { count: number; at: number }>();

  constructor(private readonly enabled: boolean) {}

  /** Whether password attempts on `email` are refused for now (too many failures). */
  passwordLocked(email: string): boolean {
    if (!this.enabled) return false;
    // Probe without spending: a locked bucket stays locked; an open one is charged only on failure.
    return this.passwords.peek(email.toLowerCase()) < 1;
  }

  /** Records a wrong password (or a wrong current password) for `email`. */
  passwordFailed(email: string): void {
    if (this.enabled) this.passwords.take(email.toLowerCase());
  }

  /** Records a wrong guess of the code `key`; true when the code must now be killed. */
  codeFailed(key: string, now = Date.now()): boolean {
    if (!this.enabled) return false;
    if (this.codes.size > 10_000) {
      for (const [k, v] of this.codes) if (now - v.at > 24 * 3600 * 1000) this.codes.delete(k);
    }
    const entry = this.codes.get(key) ?? { count: 0, at: now };
    entry.count += 1;
    entry.at = now;
    this.codes.set(key, entry);
    if (entry.count >= CODE_FAILURE_LIMIT) {
      this.codes.delete(key);
      return true;
    }
    return false;
  }
}
