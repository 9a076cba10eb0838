import type { RateLimiter } from '#core/limits/ports.ts';
import { PublicBudgetSpentError, type PublicMailBudget, takePublicBudget } from '#core/public-mail/budget.ts';
import type { PublicMailQueue } from '#core/public-mail/ports.ts';
import type { Subscriber } from '#core/subscriptions/subscriber.ts';

/**
 * The mails a reader's click causes (the welcome after a confirmation, a download or erase link), as the
 * request path sees them: counted in the public-mail budget and queued for the public-mail worker.
 */
export class QueuedNotices {
  constructor(
    private readonly queue: PublicMailQueue,
    private readonly limits: RateLimiter,
    private readonly budget: PublicMailBudget,
  ) {}

  /** The welcome mail; with the budget spent it is left out (the confirmation itself stands). */
  async welcome(subscriber: Subscriber): Promise<void> {
    try {
      await takePublicBudget(this.limits, this.budget, 1, new Date());
    } catch (error) {
      if (error instanceof PublicBudgetSpentError) return;
      throw error;
    }
    await this.queue.enqueue([{ kind: 'welcome', subscriberId: subscriber.id }]);
  }

  /** A download or erase link; with the budget spent, `PublicBudgetSpentError` (429) says when to ask again. */
  async link(subscriber: Subscriber, link: 'data' | 'erase'): Promise<void> {
    await takePublicBudget(this.limits, this.budget, 1, new Date());
    await this.queue.enqueue([{ kind: 'link', subscriberId: subscriber.id, link }]);
  }
}
