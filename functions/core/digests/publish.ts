import { type Digest, digestIdFor, MAX_RECIPIENTS_PER_JOB, type SendJob } from '#core/digests/digest.ts';
import { renderDigest } from '#core/digests/render-digest.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import type { Language } from '#core/languages.ts';
import type { ArticleStore, DigestStore, SendQueue, SubscriberStore, TemplateSource } from '#ports/index.ts';

export interface PublishPorts {
  readonly articles: ArticleStore;
  readonly digests: DigestStore;
  readonly subscribers: SubscriberStore;
  readonly sendQueue: SendQueue;
  readonly templates: TemplateSource;
}

export interface PublishSettings {
  readonly publisher: string;
}

export interface PlannedDigest {
  readonly digestId: string;
  readonly lang: Language;
  readonly articles: number;
  readonly recipients: number;
  readonly jobs: number;
}

/**
 * Publishes newly ingested versions to "immediate" subscribers: one digest per language, rendered
 * once, then planned as send jobs of at most 50 recipients. Only after every job is queued are the
 * versions marked as planned, so a crash in between re-plans the same digest id (and the send ledger
 * stops duplicates) instead of losing the mail.
 */
export async function publishImmediateDigests(
  ports: PublishPorts,
  settings: PublishSettings,
  versions: readonly ArticleVersion[],
  now: Date,
): Promise<PlannedDigest[]> {
  const byLanguage = new Map<Language, ArticleVersion[]>();
  for (const version of versions)
    byLanguage.set(version.lang, [...(byLanguage.get(version.lang) ?? []), version]);
  const planned: PlannedDigest[] = [];
  for (const [lang, articles] of byLanguage) {
    const digest: Digest = {
      id: digestIdFor('immediate', lang, articles),
      cadence: 'immediate',
      lang,
      articles,
    };
    planned.push(await planDigest(ports, settings, digest, now));
    await Promise.all(articles.map((version) => ports.articles.markMailingPlanned(version, digest.id)));
  }
  return planned;
}

async function planDigest(
  ports: PublishPorts,
  settings: PublishSettings,
  digest: Digest,
  now: Date,
): Promise<PlannedDigest> {
  const rendered = await renderDigest(digest, ports.templates, settings);
  await ports.digests.saveRendered(rendered);

  let recipients = 0;
  let jobs = 0;
  let cursor: string | undefined;
  do {
    const page = await ports.subscribers.pageAudience(
      digest.lang,
      digest.cadence,
      MAX_RECIPIENTS_PER_JOB,
      cursor,
    );
    if (page.subscribers.length > 0) {
      const job: SendJob = { digestId: digest.id, subscriberIds: page.subscribers.map((s) => s.id) };
      await ports.sendQueue.enqueue([job]);
      recipients += job.subscriberIds.length;
      jobs++;
    }
    cursor = page.cursor;
  } while (cursor);

  await ports.digests.putRecord({
    id: digest.id,
    cadence: digest.cadence,
    lang: digest.lang,
    articleIds: digest.articles.map((a) => a.articleId),
    status: recipients > 0 ? 'sending' : 'done',
    recipients,
    createdAt: now.toISOString(),
  });
  return { digestId: digest.id, lang: digest.lang, articles: digest.articles.length, recipients, jobs };
}
