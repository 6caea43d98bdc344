/**
 * Per-IP token buckets with GoTrue's parameters for the `[auth.rate_limit]` settings:
 * - `token_refresh` per 5 min, burst 30: every `/token` grant;
 * - `sign_in_sign_ups` per 5 min (burst = the setting), separately for sign-up, recover, resend, otp and
 *   `PUT /user`;
 * - `token_verifications` per 5 min, burst 30: `/verify`;
 * - `anonymous_users` per hour: anonymous sign-ups;
 * - `email_sent` per hour: e-mails, only when confirmations are on (GoTrue skips it under autoconfirm).
 * GoTrue keys its e-mail limit globally; here every limit is keyed by client IP so that concurrent test
 * clients with distinct `X-Forwarded-For` do not interfere.
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
