import { digestRate } from '#core/public-mail/rate.ts';

/**
 * What the late ceiling's window has on top of a second. The ceiling counts each call from SES's answer
 * (a call cannot reach SES later than its answer comes back), so no delay on the way needs room here;
 * this only covers two processes reading the same clock a little apart (the sink, or SES, counting).
 * The price of counting from the answer is paid in the window instead: a second plus a call's round trip.
 * Before that, the ceiling counted calls as they left the SDK and needed 25 ms for calls bunched up on
 * their way — and a first call opening its connection on a loaded machine still came in later than that.
 */
export const CEILING_SLACK_MS = 2;

/**
 * The share of the account's Max24HourSend Herald counts as its daily quota when none is configured: the
 * digests and the public's mails reserve in it together, and 5 % is kept back for other mail.
 */
export const DAILY_QUOTA_SHARE = 0.95;

/** Herald's daily quota from the account's Max24HourSend, when HERALD_DAILY_QUOTA does not set one. */
export function dailyQuotaOf(max24HourSend: number): number {
  return Math.floor(max24HourSend * DAILY_QUOTA_SHARE);
}

/**
 * One digest sender's share of the account's rate: what the public-mail worker leaves, divided among the
 * senders that may run at once, so all of them together stay under SES's MaxSendRate.
 */
export function senderShare(accountRate: number, publicMailRate: number, concurrency: number): number {
  return digestRate(accountRate, publicMailRate) / concurrency;
}

/**
 * The pace one sender keeps under its share, and its late ceiling: at most `most` SES calls (the share in
 * whole calls) in any trailing `windowMs` (a second, or more for a share under one a second, plus
 * {@link CEILING_SLACK_MS}), applied as each call leaves the SDK; the pace runs at that ceiling's own
 * rate, so the ceiling only ever holds back bunches.
 * `ceilingPerSecond`: the pace's own trailing-second ceiling, the share itself.
 */
export function senderPace(share: number): {
  readonly ratePerSecond: number;
  readonly ceilingPerSecond: number;
  readonly late: { readonly most: number; readonly windowMs: number };
} {
  if (!(share > 0)) throw new RangeError("a sender's share of the SES rate must be above zero");
  const most = Math.max(1, Math.floor(share));
  const windowMs = Math.max(1000, (most / share) * 1000) + CEILING_SLACK_MS;
  return {
    ratePerSecond: (most * 1000) / windowMs,
    ceilingPerSecond: share,
    late: { most, windowMs },
  };
}

/**
 * The readers one SES call carries, for a sender whose late ceiling lets `most` mails through a window:
 * at most `largest` (the claim window), and a size whose whole calls fill the window as nearly as can be
 * — calls of 25 under a ceiling of 198 fit only 7 in a window (175 a second: 8 would be 200), calls of
 * 22 fit 9 (198). Sizes below half of `largest` are not considered (more calls, more CPU), unless the
 * ceiling itself is smaller; of sizes that fill the window alike, the largest.
 */
export function bulkSizeFor(most: number, largest: number): number {
  const ceiling = Math.max(1, Math.floor(most));
  const top = Math.max(1, Math.min(Math.floor(largest), ceiling));
  let best = top;
  let bestFill = Math.floor(ceiling / top) * top;
  for (let size = top - 1; size >= Math.max(1, Math.ceil(top / 2)); size--) {
    const fill = Math.floor(ceiling / size) * size;
    if (fill > bestFill) {
      best = size;
      bestFill = fill;
    }
  }
  return best;
}
