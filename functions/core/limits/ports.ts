// What the limits need: fixed-window counters.

/** Fixed-window counters: `take` counts one and says whether the limit still allows it. */
export interface RateLimiter {
  /**
   * Counts `cost` (1 by default) against `limit` in the current fixed window of `scope`/`key`, only if
   * it fits; `retryAfterSeconds` says when the window ends.
   */
  take(
    scope: string,
    key: string,
    limit: number,
    windowSeconds: number,
    now: Date,
    cost?: number,
  ): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}
