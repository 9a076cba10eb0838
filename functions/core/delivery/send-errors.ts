import { HeraldError } from '#core/errors.ts';

/**
 * What an SES refusal means for Herald, by kind. The adapter turns SDK errors into these; anything else
 * is a transient error (retry the recipient with back-off).
 */
export class SendThrottledError extends HeraldError {
  override readonly name = 'SendThrottledError';
}

/** The daily sending quota is used up: pause until the rolling window frees. */
export class DailyQuotaExceededError extends HeraldError {
  override readonly name = 'DailyQuotaExceededError';
}

/**
 * The account or its configuration refuses (sending paused, account suspended, unverified identity,
 * an unverified recipient in the SES sandbox, an unknown configuration set): not the recipient's
 * fault — pause and alarm, never suppress the recipient.
 */
export class AccountRefusedError extends HeraldError {
  override readonly name = 'AccountRefusedError';
}

/** This address can never be mailed (rejected as invalid): mark it failed and suppress it. */
export class RecipientRejectedError extends HeraldError {
  override readonly name = 'RecipientRejectedError';
}

/**
 * Why a job waits: SES throttled it; the daily quota is reached; the account refused; the digest or
 * all sending is paused; some recipients are still in flight with a sender that may have died; or the
 * invocation is running out of time (the rest goes on in a new message at once).
 */
export type DeferralReason = 'throttled' | 'quota' | 'account' | 'paused' | 'in-flight' | 'time';

/**
 * Errors retried on the spot, with back-off, through the pace: throttling, and transient errors (a
 * timeout, a 5xx). A refusal by kind — rejected address, quota, account — is not retried here.
 */
export function retriedOnTheSpot(error: unknown): boolean {
  if (error instanceof SendThrottledError) return true;
  return !(
    error instanceof RecipientRejectedError ||
    error instanceof DailyQuotaExceededError ||
    error instanceof AccountRefusedError
  );
}
