import { backoffMs } from '#core/delivery/pace.ts';
import {
  AccountRefusedError,
  DailyQuotaExceededError,
  JobDeferredError,
  RecipientRejectedError,
  SendThrottledError,
} from '#core/delivery/send-errors.ts';
import type { SendJob } from '#core/digests/digest.ts';
import { personalize } from '#core/digests/personalize.ts';
import { HeraldError } from '#core/errors.ts';
import { addressHash } from '#core/subscriptions/address-hash.ts';
import { personalLinks } from '#core/subscriptions/links.ts';
import type { TokenKeys } from '#core/tokens.ts';
import type {
  ArticleStore,
  DigestStore,
  Mailer,
  OutgoingMail,
  Receipts,
  SendLedger,
  SubscriberStore,
  SuppressionList,
} from '#ports/index.ts';

export interface DeliveryPorts {
  readonly digests: DigestStore;
  readonly subscribers: SubscriberStore;
  readonly ledger: SendLedger;
  readonly mailer: Mailer;
  readonly articles: Pick<ArticleStore, 'withdrawnAmong'>;
  readonly receipts: Pick<Receipts, 'record'>;
  /** Where addresses SES rejects for good go. */
  readonly suppressions: Pick<SuppressionList, 'add'>;
  /** Paces sends under this sender's share of the SES maximum send rate. */
  readonly pace: { take(): Promise<void> };
  /** Waits between retries (a seam for tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface DeliverySettings {
  readonly from: string;
  readonly publicBaseUrl: string;
  readonly tokenKeys: TokenKeys;
  /** How long a recipient's ledger row stays "sending" before a redelivery may try again. */
  readonly sendLeaseMs: number;
  /** How long the rest of a job waits after persistent throttling, and after a quota or account refusal. */
  readonly deferSeconds?: { readonly throttled: number; readonly paused: number };
}

export interface DeliveryReport {
  readonly sent: number;
  readonly skipped: number;
  readonly failed: number;
}

/** Some recipients of a job could not be mailed; the job is retried and the ledger skips the rest. */
export class DeliveryIncompleteError extends HeraldError {
  override readonly name = 'DeliveryIncompleteError';
  constructor(
    message: string,
    readonly failed: number,
  ) {
    super(message);
  }
}

/**
 * Sends one job: per recipient, claim the ledger row, personalize the digest rendered once, send it
 * with one-click unsubscribe headers under the pace, and mark the row sent. Recipients who left since
 * the digest was planned are skipped, and so is anyone the ledger says already got this digest.
 * SES errors by kind: throttling is retried with back-off, then the rest of the job is deferred;
 * quota and account refusals defer the rest of the job (never suppressing anyone); an address SES
 * rejects is marked failed and suppressed; other errors fail that recipient, and the job is retried.
 */
export async function deliverSendJob(
  ports: DeliveryPorts,
  settings: DeliverySettings,
  job: SendJob,
  now: () => Date,
): Promise<DeliveryReport> {
  const rendered = await ports.digests.loadRendered(job.digestId);
  const withdrawn = await ports.articles.withdrawnAmong(rendered.articles);
  const skip = new Set(
    rendered.articles.flatMap((a, i) =>
      withdrawn.some((w) => w.articleId === a.articleId && w.lang === a.lang) ? [i] : [],
    ),
  );
  const foreign = rendered.articles
    .filter((a, i) => a.lang !== rendered.lang && !skip.has(i))
    .map((a) => a.articleId);
  if (skip.size === rendered.articles.length) {
    for (const id of job.subscriberIds) await ports.ledger.markSkipped(job.digestId, id, 'withdrawn', now());
    return { sent: 0, skipped: job.subscriberIds.length, failed: 0 };
  }
  const subscribers = await ports.subscribers.getMany(job.subscriberIds);
  let sent = 0;
  let skipped = 0;
  const failures: string[] = [];

  let rejected = 0;
  const sleep = ports.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  for (const [index, subscriberId] of job.subscriberIds.entries()) {
    const subscriber = subscribers.get(subscriberId);
    if (subscriber?.status !== 'confirmed') {
      await ports.ledger.markSkipped(job.digestId, subscriberId, subscriber?.status ?? 'gone', now());
      skipped++;
      continue;
    }
    const claim = await ports.ledger.claim(job.digestId, subscriberId, settings.sendLeaseMs, now());
    if (claim !== 'claimed') {
      skipped++;
      continue;
    }
    const links = personalLinks(settings.publicBaseUrl, settings.tokenKeys, subscriberId);
    const mail: OutgoingMail = {
      from: settings.from,
      to: subscriber.email,
      ...personalize(rendered, links, skip),
      headers: [
        { name: 'List-Unsubscribe', value: `<${links.unsubscribeUrl}>` },
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ],
    };
    try {
      const { messageId } = await sendPaced(ports, mail, sleep);
      await ports.ledger.markSent(job.digestId, subscriberId, messageId, now());
      // Articles read in another language than the reader's: a later translation must not reach them.
      await ports.receipts.record(foreign, subscriberId, now());
      sent++;
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await ports.ledger.markFailed(job.digestId, subscriberId, message, now());
      if (error instanceof RecipientRejectedError) {
        await ports.suppressions.add(addressHash(settings.tokenKeys, subscriber.email), 'bounce', now());
        rejected++;
        continue;
      }
      const deferral = deferralOf(error, settings.deferSeconds ?? { throttled: 30, paused: 900 });
      if (deferral) {
        throw new JobDeferredError(
          `${job.digestId}: ${deferral.reason}; ${job.subscriberIds.length - index} recipients wait ${deferral.delaySeconds} s`,
          job.subscriberIds.slice(index),
          deferral.delaySeconds,
          deferral.reason,
        );
      }
      failures.push(subscriberId);
    }
  }
  if (failures.length > 0) {
    throw new DeliveryIncompleteError(
      `${failures.length} of ${job.subscriberIds.length} recipients of ${job.digestId} failed: ${failures.join(', ')}`,
      failures.length,
    );
  }
  return { sent, skipped, failed: rejected };
}

const THROTTLE_RETRIES = 3;

/** One send under the pace, retried with jittered back-off while SES throttles. */
async function sendPaced(ports: DeliveryPorts, mail: OutgoingMail, sleep: (ms: number) => Promise<void>) {
  for (let attempt = 0; ; attempt++) {
    await ports.pace.take();
    try {
      return await ports.mailer.send(mail);
    } catch (error) {
      if (!(error instanceof SendThrottledError) || attempt >= THROTTLE_RETRIES) throw error;
      await sleep(backoffMs(attempt));
    }
  }
}

/** Errors that make the whole rest of the job wait, and for how long. */
function deferralOf(
  error: unknown,
  seconds: { readonly throttled: number; readonly paused: number },
): { reason: 'throttled' | 'quota' | 'account'; delaySeconds: number } | undefined {
  // Jitter a third either way, so deferred jobs do not all come back at once.
  const jittered = (base: number) => Math.max(0, Math.round(base * (2 / 3 + (Math.random() * 2) / 3)));
  if (error instanceof SendThrottledError)
    return { reason: 'throttled', delaySeconds: jittered(seconds.throttled) };
  if (error instanceof DailyQuotaExceededError) return { reason: 'quota', delaySeconds: seconds.paused };
  if (error instanceof AccountRefusedError) return { reason: 'account', delaySeconds: seconds.paused };
  return undefined;
}
