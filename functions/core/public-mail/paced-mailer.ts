import { backoffMs } from '#core/delivery/pace.ts';
import type { SendQuota } from '#core/delivery/ports.ts';
import { retriedOnTheSpot } from '#core/delivery/send-errors.ts';
import { HeraldError } from '#core/errors.ts';
import type { Mailer, OutgoingMail } from '#core/mail/ports.ts';

/** The daily quota has no room for this mail now: the job waits and comes back. */
export class PublicMailWaitError extends HeraldError {
  override readonly name = 'PublicMailWaitError';
  constructor(
    message: string,
    readonly delaySeconds: number,
  ) {
    super(message);
  }
}

const THROTTLE_RETRIES = 5;

/**
 * The public's mails go out like digests do: under a pace (the public-mail worker's share of the
 * account's rate), each counted in the daily quota the digests share, and retried on the spot with
 * back-off while SES throttles or the network fails (a refusal by kind is not retried).
 */
export class PacedQuotaMailer implements Mailer {
  constructor(
    private readonly inner: Mailer,
    private readonly pace: { take(): Promise<void> },
    private readonly quota: Pick<SendQuota, 'reserve'>,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const { granted, retryAfterSeconds } = await this.quota.reserve(1, new Date());
    if (granted < 1)
      throw new PublicMailWaitError(
        'the daily quota is used up',
        Math.min(900, Math.max(60, retryAfterSeconds)),
      );
    for (let attempt = 0; ; attempt++) {
      await this.pace.take();
      try {
        return await this.inner.send(mail);
      } catch (error) {
        if (!retriedOnTheSpot(error) || attempt >= THROTTLE_RETRIES) throw error;
        await this.sleep(backoffMs(attempt));
      }
    }
  }
}
