import { type Audience, composeDigests } from '#core/digests/compose.ts';
import { type Digest, digestIdFor, MAX_RECIPIENTS_PER_JOB, type SendJob } from '#core/digests/digest.ts';
import { type RenderSettings, renderDigest } from '#core/digests/render-digest.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import type { Language } from '#core/languages.ts';
import type { Cadence, Subscriber } from '#core/subscriptions/subscriber.ts';
import type {
  ArticleStore,
  DigestStore,
  Receipts,
  SendQueue,
  SubscriberStore,
  TemplateSource,
} from '#ports/index.ts';

export interface PublishPorts {
  readonly articles: ArticleStore;
  readonly digests: DigestStore;
  readonly subscribers: SubscriberStore;
  readonly receipts: Receipts;
  readonly sendQueue: SendQueue;
  readonly templates: TemplateSource;
}

export type PublishSettings = RenderSettings;

export interface PlannedDigest {
  readonly digestId: string;
  readonly lang: Language;
  readonly articles: number;
  readonly recipients: number;
  readonly jobs: number;
}

/**
 * Publishes newly ingested versions to "immediate" subscribers: the digest variants of
 * {@link composeImmediateDigests}, each rendered once, planned as send jobs of at most 50 recipients.
 * Only after every job is queued are the versions marked as planned, so a crash in between re-plans the
 * same digest ids (and the send ledger stops duplicates) instead of losing the mail.
 */
export async function publishImmediateDigests(
  ports: PublishPorts,
  settings: PublishSettings,
  versions: readonly ArticleVersion[],
  now: Date,
): Promise<PlannedDigest[]> {
  const planned = await publishDigests(ports, settings, versions, 'immediate', now);
  for (const version of versions)
    await ports.articles.markMailingPlanned(version, planned[0]?.digestId ?? 'none');
  return planned;
}

/** Plans the digests of one cadence for these versions: every variant rendered once, every job queued. */
export async function publishDigests(
  ports: PublishPorts,
  settings: PublishSettings,
  versions: readonly ArticleVersion[],
  cadence: Cadence,
  now: Date,
): Promise<PlannedDigest[]> {
  const stored = new Map<string, ArticleVersion[]>();
  for (const articleId of new Set(versions.map((v) => v.articleId)))
    stored.set(articleId, await ports.articles.getVersions(articleId));
  const versionsOf = (articleId: string) => stored.get(articleId) ?? [];

  const planned: PlannedDigest[] = [];
  for (const variant of composeDigests(versions, stored, cadence)) {
    planned.push(
      ...(await planVariant(
        ports,
        settings,
        variant.digest,
        variant.audience,
        variant.checkReceipts,
        versionsOf,
        now,
      )),
    );
  }
  return planned.filter((p) => p.recipients > 0);
}

/** A reader who chose topics gets only articles with one of them; no choice means every article. */
function wantsTopics(reader: Subscriber, article: ArticleVersion): boolean {
  return !reader.topics?.length || article.topics.some((topic) => reader.topics!.includes(topic));
}

/**
 * Pages the audience and queues its jobs. Readers who already received some of `checkReceipts`, or who
 * chose topics, get a narrower digest (rendered once per distinct set of articles), or nothing.
 */
async function planVariant(
  ports: PublishPorts,
  settings: PublishSettings,
  digest: Digest,
  audience: Audience,
  checkReceipts: readonly string[],
  versionsOf: (articleId: string) => readonly ArticleVersion[],
  now: Date,
): Promise<PlannedDigest[]> {
  const byId = new Map<string, { digest: Digest; recipients: string[]; jobs: number }>();
  const rendered = new Set<string>();
  const queueFor = async (target: Digest, readers: readonly Subscriber[]) => {
    if (readers.length === 0) return;
    if (!rendered.has(target.id)) {
      await ports.digests.saveRendered(await renderDigest(target, ports.templates, settings, versionsOf));
      rendered.add(target.id);
    }
    const entry = byId.get(target.id) ?? { digest: target, recipients: [], jobs: 0 };
    byId.set(target.id, entry);
    const job: SendJob = { digestId: target.id, subscriberIds: readers.map((s) => s.id) };
    await ports.sendQueue.enqueue([job]);
    entry.recipients.push(...job.subscriberIds);
    entry.jobs++;
  };

  let cursor: string | undefined;
  do {
    const page = await ports.subscribers.pageAudience(
      audience.lang,
      audience.cadence,
      MAX_RECIPIENTS_PER_JOB,
      cursor,
      audience.alsoOriginalOnly,
    );
    const readers = page.subscribers.filter((s) => !(audience.excludeAlsoOriginal && s.alsoOriginalLanguage));
    const received =
      checkReceipts.length > 0
        ? await ports.receipts.receivedAmong(
            checkReceipts,
            readers.map((s) => s.id),
          )
        : new Map();
    const groups = new Map<string, { target: Digest; readers: Subscriber[] }>();
    for (const reader of readers) {
      const had: Set<string> = received.get(reader.id) ?? new Set<string>();
      const articles = digest.articles.filter((a) => !had.has(a.articleId) && wantsTopics(reader, a));
      if (articles.length === 0) continue;
      const target =
        articles.length === digest.articles.length
          ? digest
          : { ...digest, id: digestIdFor(digest.cadence, digest.lang, articles, 'narrowed'), articles };
      const group = groups.get(target.id) ?? { target, readers: [] };
      group.readers.push(reader);
      groups.set(target.id, group);
    }
    for (const { target, readers: group } of groups.values()) await queueFor(target, group);
    cursor = page.cursor;
  } while (cursor);

  const planned: PlannedDigest[] = [];
  for (const { digest: target, recipients, jobs } of byId.values()) {
    await ports.digests.putRecord({
      id: target.id,
      cadence: target.cadence,
      lang: target.lang,
      articleIds: target.articles.map((a) => a.articleId),
      status: 'sending',
      recipients: recipients.length,
      createdAt: now.toISOString(),
    });
    planned.push({
      digestId: target.id,
      lang: target.lang,
      articles: target.articles.length,
      recipients: recipients.length,
      jobs,
    });
  }
  return planned;
}
