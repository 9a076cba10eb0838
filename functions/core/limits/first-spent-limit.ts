import type { RateLimiter } from '#core/limits/ports.ts';

/** One fixed-window limit: `limit` per `windowSeconds` for `key` in `scope`. */
export interface LimitCheck {
  readonly scope: string;
  readonly key: string;
  readonly limit: number;
  readonly windowSeconds: number;
}

/**
 * Takes each limit in turn; the first one that is spent stops the rest and is returned, with when its
 * window ends. Undefined when every one had room.
 */
export async function firstSpentLimit(
  limiter: RateLimiter,
  checks: readonly LimitCheck[],
  now: Date,
): Promise<{ check: LimitCheck; retryAfterSeconds: number } | undefined> {
  for (const check of checks) {
    const taken = await limiter.take(check.scope, check.key, check.limit, check.windowSeconds, now);
    if (!taken.allowed) return { check, retryAfterSeconds: taken.retryAfterSeconds };
  }
  return undefined;
}
