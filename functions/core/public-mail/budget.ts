import { HttpError } from '#core/errors.ts';
import type { RateLimiter } from '#core/limits/ports.ts';

/** How many mails the public as a whole may cause (confirmations, welcomes, data links, suggestions). */
export interface PublicMailBudget {
  readonly perHour: number;
  readonly perDay: number;
}

/** The public-mail budget is spent for now: answered 429 with a retry hint, and digests keep their share. */
export class PublicBudgetSpentError extends HttpError {
  override readonly name = 'PublicBudgetSpentError';
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      `this site has sent as many mails to the public as it may for now: try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`,
    );
  }
}

/**
 * Takes `mails` from the budget of the hour and of the day (fixed windows shared by every function), or
 * throws `PublicBudgetSpentError`. Counted when the request is accepted, whatever becomes of it, so the
 * answer is the same for every address.
 */
export async function takePublicBudget(
  limits: RateLimiter,
  budget: PublicMailBudget,
  mails: number,
  now: Date,
): Promise<void> {
  const hour = await limits.take('public-mail-hour', 'all', budget.perHour, 3600, now, mails);
  if (!hour.allowed) throw new PublicBudgetSpentError(hour.retryAfterSeconds);
  const day = await limits.take('public-mail-day', 'all', budget.perDay, 86_400, now, mails);
  if (!day.allowed) throw new PublicBudgetSpentError(day.retryAfterSeconds);
}
