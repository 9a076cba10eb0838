/** At most this share of the account's send rate goes to mails the public causes; digests keep the rest. */
export const PUBLIC_SHARE_OF_RATE = 0.1;

/**
 * The rate (mails a second) of the public-mail worker: the configured one, but never more than a tenth
 * of the account's rate. The digest senders share what is left, so together they stay under SES's rate.
 */
export function publicMailRate(accountRate: number, configured: number): number {
  return Math.min(configured, accountRate * PUBLIC_SHARE_OF_RATE);
}

/** What the digest senders share: the account's rate less the public-mail worker's. */
export function digestRate(accountRate: number, configuredPublicRate: number): number {
  return accountRate - publicMailRate(accountRate, configuredPublicRate);
}
