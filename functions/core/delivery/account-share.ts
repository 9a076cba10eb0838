import { digestRate } from '#core/public-mail/rate.ts';

/**
 * The share of its SES rate a sender's pace aims at: 5 % below it, because the network and a busy event
 * loop may bunch sends up a little on their way; the share itself is the ceiling of any trailing second.
 */
export const PACE_HEADROOM = 0.95;

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

/** The pace one sender keeps: a little under its share, which is its ceiling. */
export function senderPace(share: number): {
  readonly ratePerSecond: number;
  readonly ceilingPerSecond: number;
} {
  return { ratePerSecond: share * PACE_HEADROOM, ceilingPerSecond: share };
}
