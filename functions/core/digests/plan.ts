import type { Receipts, SendLedger, SendQueue } from '#core/delivery/ports.ts';
import {
  type Digest,
  type DigestRecord,
  digestIdFor,
  MAX_RECIPIENTS_PER_JOB,
  type SendJob,
} from '#core/digests/digest.ts';
import { DigestNotFoundError } from '#core/digests/errors.ts';
import type { DigestStore } from '#core/digests/ports.ts';
import { type RenderSettings, renderDigest } from '#core/digests/render-digest.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import type { ArticleStore } from '#core/documents/ports.ts';
import { HeraldError } from '#core/errors.ts';
import type { TemplateSource } from '#core/mail/ports.ts';
import type { SubscriberStore } from '#core/subscriptions/ports.ts';
import type { Subscriber } from '#core/subscriptions/subscriber.ts';

export interface PlanPorts {
  readonly articles: Pick<ArticleStore, 'getVersions'>;
  readonly digests: DigestStore;
  readonly subscribers: Pick<SubscriberStore, 'pageAudience'>;
  readonly receipts: Pick<Receipts, 'receivedAmong'>;
  readonly ledger: Pick<SendLedger, 'plan'>;
  readonly sendQueue: SendQueue;
  readonly templates: TemplateSource;
}

export interface PlanOptions {
  /** Who plans (a fresh id per planner run): the lease is held in this name. */
  readonly owner: string;
  /** Subscribers read per audience page (jobs of at most 50 are made from each). */
  readonly pageSize?: number;
  /** How long the planner's lease lasts without progress before another planner may take over. */
  readonly leaseMs?: number;
  /** The digest's versions when the caller has them in hand (else they are read from the article store). */
  readonly digest?: {
    readonly digest: Digest;
    readonly versionsOf: (articleId: string) => readonly ArticleVersion[];
  };
  /** Variants already rendered (and saved) by the caller. */
  readonly rendered?: readonly string[];
  /** Called after every page, with the recipients planned so far. */
  readonly onPage?: (planned: number) => void;
}

export type PlanOutcome = 'complete' | 'awaiting-approval' | 'cancelled';

export interface PlanResult {
  readonly outcome: PlanOutcome;
  readonly planned: number;
  readonly jobs: number;
}

/** Another planner holds the digest's lease (or took it over): try again later, when its lease ends. */
export class PlannerBusyError extends HeraldError {
  override readonly name = 'PlannerBusyError';
}

export const PLAN_PAGE_SIZE = 500;

/**
 * Queues again every reader of a digest not mailed yet (pending, failed, or held by a sender), in jobs
 * of at most 50 of the same variant — for when the queue lost its messages. The ledger keeps anyone
 * from getting the digest twice. Returns how many readers were queued.
 */
export async function requeueUnsent(
  ports: { ledger: Pick<SendLedger, 'rows'>; sendQueue: SendQueue },
  digestId: string,
): Promise<number> {
  const byVariant = new Map<string | undefined, string[]>();
  let queued = 0;
  const flush = async (render: string | undefined, ids: string[]) => {
    const job: SendJob = render ? { digestId, render, subscriberIds: ids } : { digestId, subscriberIds: ids };
    await ports.sendQueue.enqueue([job]);
    queued += ids.length;
  };
  for await (const row of ports.ledger.rows(digestId)) {
    if (!['pending', 'failed', 'sending'].includes(row.state)) continue;
    const ids = byVariant.get(row.render) ?? [];
    ids.push(row.subscriberId);
    byVariant.set(row.render, ids);
    if (ids.length === MAX_RECIPIENTS_PER_JOB) {
      await flush(row.render, ids.splice(0));
    }
  }
  for (const [render, ids] of byVariant) if (ids.length > 0) await flush(render, ids);
  return queued;
}
export const PLANNER_LEASE_MS = 300_000;

/**
 * Plans a digest: pages through its audience from the persisted cursor — never holding more than a page
 * — records the page's jobs of at most 50 in the ledger (one plan item a job), queues them, then moves
 * the cursor on. A planner that dies leaves the cursor at the page it was on; the next one redoes that
 * page (the same plan items again, changing nothing) and queues its jobs again, which the job leases
 * and the ledger make harmless: nobody is skipped, nobody mailed twice.
 *
 * Readers who already received some of the audience's `checkReceipts`, or who chose topics, get a
 * narrower variant (rendered once per distinct set of articles), or nothing.
 */
export async function planDigest(
  ports: PlanPorts,
  settings: RenderSettings,
  digestId: string,
  now: () => Date,
  options: PlanOptions,
): Promise<PlanResult> {
  const leaseMs = options.leaseMs ?? PLANNER_LEASE_MS;
  const pageSize = options.pageSize ?? PLAN_PAGE_SIZE;
  const before = await ports.digests.getRecord(digestId);
  if (!before) throw new DigestNotFoundError(`there is no digest ${digestId}`);
  const settled = settledOutcome(before);
  if (settled) return { outcome: settled, planned: before.planned, jobs: before.jobs };

  const lease = await ports.digests.leasePlanner(digestId, options.owner, leaseMs, now());
  if (!lease.acquired) throw new PlannerBusyError(`another planner is planning ${digestId}`);
  const record = (await ports.digests.getRecord(digestId))!;
  const { digest, versionsOf } = options.digest ?? (await loadDigest(ports, record));
  const rendered = new Set<string>(options.rendered ?? []);
  let cursor = record.planCursor;
  let { planned, jobs } = record;

  const pageFrom = (from: string | undefined) => {
    const read = ports.subscribers.pageAudience(
      record.audience.lang,
      record.audience.cadence,
      pageSize,
      from,
      record.audience.alsoOriginalOnly,
    );
    read.catch(() => undefined); // awaited below, or dropped with the planner
    return read;
  };
  let reading = record.planComplete ? undefined : pageFrom(cursor);
  while (reading) {
    const page = await reading;
    // The next page is read while this one is written and queued (reading moves nothing).
    reading = page.cursor ? pageFrom(page.cursor) : undefined;
    const readers = page.subscribers.filter(
      (s) => !(record.audience.excludeAlsoOriginal && s.alsoOriginalLanguage),
    );
    const groups = await groupByVariant(ports, digest, record.audience.checkReceipts, readers);
    const pageJobs: SendJob[] = [];
    for (const { target, readers: group } of groups.values()) {
      // Each variant is rendered once, when it first has readers: a digest nobody gets costs no render.
      if (!rendered.has(target.id)) {
        await ports.digests.saveRendered(await renderDigest(target, ports.templates, settings, versionsOf));
        rendered.add(target.id);
      }
      for (let start = 0; start < group.length; start += MAX_RECIPIENTS_PER_JOB) {
        const subscriberIds = group.slice(start, start + MAX_RECIPIENTS_PER_JOB).map((s) => s.id);
        pageJobs.push(
          target.id === digest.id
            ? { digestId, subscriberIds }
            : { digestId, render: target.id, subscriberIds },
        );
      }
    }
    const ids = pageJobs.flatMap((job) => job.subscriberIds);
    if (ids.length > 0) {
      // The page's jobs are recorded (with their variants, for `requeueUnsent`) before they are queued.
      await ports.ledger.plan(digestId, pageJobs, now());
      await ports.sendQueue.enqueue(pageJobs);
    }
    const next = page.cursor;
    const moved = await ports.digests.advancePlan(
      digestId,
      options.owner,
      cursor,
      { cursor: next, planned: planned + ids.length, jobs: jobs + pageJobs.length, complete: !next },
      leaseMs,
      now(),
    );
    if (!moved) {
      const latest = await ports.digests.getRecord(digestId);
      if (latest?.control === 'cancelled') return { outcome: 'cancelled', planned, jobs };
      throw new PlannerBusyError(`${digestId}: another planner took over`);
    }
    planned += ids.length;
    jobs += pageJobs.length;
    options.onPage?.(planned);
    cursor = next;
    if (!next) break;
  }
  return { outcome: 'complete', planned, jobs };
}

function settledOutcome(record: DigestRecord): PlanOutcome | undefined {
  if (record.control === 'cancelled') return 'cancelled';
  if (record.approval === 'required') return 'awaiting-approval';
  if (record.planComplete) return 'complete';
  return undefined;
}

/** The digest's article versions, as they were when it was made (the stored versions of each article). */
async function loadDigest(ports: PlanPorts, record: DigestRecord) {
  const stored = new Map<string, ArticleVersion[]>();
  const articles: ArticleVersion[] = [];
  for (const ref of record.articles) {
    const versions = stored.get(ref.articleId) ?? (await ports.articles.getVersions(ref.articleId));
    stored.set(ref.articleId, versions);
    const version = versions.find((v) => v.lang === ref.lang);
    if (version) articles.push(version);
  }
  const digest: Digest = { id: record.id, cadence: record.cadence, lang: record.lang, articles };
  return { digest, versionsOf: (articleId: string) => stored.get(articleId) ?? [] };
}

/** A reader who chose topics gets only articles with one of them; no choice means every article. */
function wantsTopics(reader: Subscriber, article: ArticleVersion): boolean {
  return !reader.topics?.length || article.topics.some((topic) => reader.topics!.includes(topic));
}

/** Readers by the variant they get: the whole digest, a narrower one, or (left out) nothing. */
async function groupByVariant(
  ports: PlanPorts,
  digest: Digest,
  checkReceipts: readonly string[],
  readers: readonly Subscriber[],
): Promise<Map<string, { target: Digest; readers: Subscriber[] }>> {
  const received =
    checkReceipts.length > 0 && readers.length > 0
      ? await ports.receipts.receivedAmong(
          checkReceipts,
          readers.map((s) => s.id),
        )
      : new Map<string, Set<string>>();
  const groups = new Map<string, { target: Digest; readers: Subscriber[] }>();
  for (const reader of readers) {
    const had = received.get(reader.id) ?? new Set<string>();
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
  return groups;
}
