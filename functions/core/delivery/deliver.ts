import type { SendJob } from '#core/digests/digest.ts';
import { personalize } from '#core/digests/personalize.ts';
import { HeraldError } from '#core/errors.ts';
import { personalLinks } from '#core/subscriptions/links.ts';
import type { TokenKeys } from '#core/tokens.ts';
import type {
  ArticleStore,
  DigestStore,
  Mailer,
  Receipts,
  SendLedger,
  SubscriberStore,
} from '#ports/index.ts';

export interface DeliveryPorts {
  readonly digests: DigestStore;
  readonly subscribers: SubscriberStore;
  readonly ledger: SendLedger;
  readonly mailer: Mailer;
  readonly articles: Pick<ArticleStore, 'withdrawnAmong'>;
  readonly receipts: Pick<Receipts, 'record'>;
}

export interface DeliverySettings {
  readonly from: string;
  readonly publicBaseUrl: string;
  readonly tokenKeys: TokenKeys;
  /** How long a recipient's ledger row stays "sending" before a redelivery may try again. */
  readonly sendLeaseMs: number;
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
 * with one-click unsubscribe headers, and mark the row sent. Recipients who left since the digest was
 * planned are skipped, and so is anyone the ledger says already got this digest.
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

  for (const subscriberId of job.subscriberIds) {
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
    const mail = personalize(rendered, links, skip);
    try {
      const { messageId } = await ports.mailer.send({
        from: settings.from,
        to: subscriber.email,
        ...mail,
        headers: [
          { name: 'List-Unsubscribe', value: `<${links.unsubscribeUrl}>` },
          { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
        ],
      });
      await ports.ledger.markSent(job.digestId, subscriberId, messageId, now());
      // Articles read in another language than the reader's: a later translation must not reach them.
      await ports.receipts.record(foreign, subscriberId, now());
      sent++;
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await ports.ledger.markFailed(job.digestId, subscriberId, message, now());
      failures.push(subscriberId);
    }
  }
  if (failures.length > 0) {
    throw new DeliveryIncompleteError(
      `${failures.length} of ${job.subscriberIds.length} recipients of ${job.digestId} failed: ${failures.join(', ')}`,
      failures.length,
    );
  }
  return { sent, skipped, failed: 0 };
}
