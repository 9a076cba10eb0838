import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { RateLimiter } from '#core/limits/ports.ts';
import type { SuppressionList } from '#core/subscriptions/ports.ts';

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 28, 12, 0, 0) + seconds * 1000);

/** What every suppression list does: an address hash added is known, others are not. */
export function suppressionListContract(list: () => SuppressionList) {
  it('knows a hash once added, and only that one', async () => {
    const suppressions = list();
    const hash = randomUUID();
    expect(await suppressions.has(hash)).toBe(false);
    await suppressions.add(hash, 'bounce', at(0));
    expect(await suppressions.has(hash)).toBe(true);
    expect(await suppressions.has(randomUUID())).toBe(false);
  });

  it('adding the same hash again keeps it suppressed', async () => {
    const suppressions = list();
    const hash = randomUUID();
    await suppressions.add(hash, 'bounce', at(0));
    await suppressions.add(hash, 'complaint', at(1));
    expect(await suppressions.has(hash)).toBe(true);
  });
}

/** What every rate limiter does: `limit` takes per window per key, then a refusal until the window ends. */
export function rateLimiterContract(limiter: () => RateLimiter) {
  it('allows the limit in a window, refuses the next until the window ends, then allows again', async () => {
    const limits = limiter();
    const key = randomUUID();
    const start = at(0);
    const window = 3600;
    const from = new Date(Math.floor(start.getTime() / 1000 / window) * window * 1000);
    for (let i = 0; i < 3; i++)
      expect(await limits.take('test', key, 3, window, from)).toMatchObject({ allowed: true });
    const refused = await limits.take('test', key, 3, window, new Date(from.getTime() + 1000));
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(window);
    expect(await limits.take('test', key, 3, window, new Date(from.getTime() + window * 1000))).toMatchObject(
      {
        allowed: true,
      },
    );
  });

  it('counts each key and scope apart, and a cost above what is left is refused', async () => {
    const limits = limiter();
    const key = randomUUID();
    const now = at(0);
    expect(await limits.take('a', key, 1, 60, now)).toMatchObject({ allowed: true });
    expect(await limits.take('b', key, 1, 60, now)).toMatchObject({ allowed: true });
    expect(await limits.take('a', randomUUID(), 1, 60, now)).toMatchObject({ allowed: true });
    expect(await limits.take('c', key, 2, 60, now, 3)).toMatchObject({ allowed: false });
  });
}
