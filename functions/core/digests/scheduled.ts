import {
  type PlannedDigest,
  type PublishPorts,
  type PublishSettings,
  publishDigests,
} from '#core/digests/publish.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import type { Cadence } from '#core/subscriptions/subscriber.ts';

export type ScheduledCadence = Exclude<Cadence, 'immediate'>;

const PERIOD_MS: Record<ScheduledCadence, number> = { daily: 86_400_000, weekly: 7 * 86_400_000 };

export interface ScheduledRun {
  readonly cadence: ScheduledCadence;
  readonly since: Date;
  readonly until: Date;
  readonly articles: number;
  readonly digests: readonly PlannedDigest[];
}

/**
 * A daily or weekly digest: every article published for mail since that cadence's last digest (a
 * first run looks back one period), in each reader's language, to the readers of that cadence. Skipped
 * when there is nothing new. Digest ids come from the content, so a run repeated after a crash plans the
 * same digests and the send ledger keeps anyone from getting one twice; the cursor moves only after
 * every job is queued.
 */
export async function runScheduledDigest(
  ports: PublishPorts,
  settings: PublishSettings,
  cadence: ScheduledCadence,
  now: Date,
): Promise<ScheduledRun> {
  const since = (await ports.digests.getCursor(cadence)) ?? new Date(now.getTime() - PERIOD_MS[cadence]);
  const refs = await ports.articles.listPublished(since, now);
  const versions: ArticleVersion[] = [];
  const byArticle = new Map<string, ArticleVersion[]>();
  for (const ref of refs) {
    const stored = byArticle.get(ref.articleId) ?? (await ports.articles.getVersions(ref.articleId));
    byArticle.set(ref.articleId, stored);
    const version = stored.find((v) => v.lang === ref.lang);
    if (version && !version.withdrawnAt && !version.archiveOnly) versions.push(version);
  }
  const digests = versions.length > 0 ? await publishDigests(ports, settings, versions, cadence, now) : [];
  await ports.digests.setCursor(cadence, now);
  return { cadence, since, until: now, articles: versions.length, digests };
}
