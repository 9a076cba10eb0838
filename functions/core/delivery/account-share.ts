import { digestRate } from '#core/public-mail/rate.ts';

/**
 * The share of its SES rate a sender's pace aims at: 1 % below it, for the network and a busy event
 * loop that may bunch sends up a little on their way. The share itself is the hard ceiling of any
 * trailing second, in whole sends, so the headroom only has to absorb the way to SES; 5 % cost a
 * twentieth of the rate for nothing the ceiling did not already guarantee (`npm run bench -- fanout`
 * reports the busiest second the sink saw).
 */
export const PACE_HEADROOM = 0.99;

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
 * The pace one sender keeps: a little under its share, which is its ceiling — and, for a share of a
 * second or more, no more than the whole sends the share allows in a second (a pace of 52.07 for a
 * share of 52.6 would need 53 in some seconds).
 */
export function senderPace(share: number): {
  readonly ratePerSecond: number;
  readonly ceilingPerSecond: number;
} {
  const aimed = share * PACE_HEADROOM;
  return { ratePerSecond: share >= 1 ? Math.min(aimed, Math.floor(share)) : aimed, ceilingPerSecond: share };
}
