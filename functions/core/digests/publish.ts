import { randomUUID } from 'node:crypto';
import { composeDigests } from '#core/digests/compose.ts';
import type { DigestRecord } from '#core/digests/digest.ts';
import { type PlanPorts, planDigest } from '#core/digests/plan.ts';
import { type RenderSettings, renderDigest } from '#core/digests/render-digest.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import type { ArticleStore } from '#core/documents/ports.ts';
import type { Language } from '#core/i18n/languages.ts';
import type { Cadence } from '#core/subscriptions/subscriber.ts';

export interface PublishPorts extends PlanPorts {
  readonly articles: ArticleStore;
}

export interface PublishSettings extends RenderSettings {
  /** Approval mode: a new digest waits for `herald digest approve` before anyone is mailed. */
  readonly requireApproval?: boolean;
}

export interface PlannedDigest {
  readonly digestId: string;
  readonly lang: Language;
  readonly articles: number;
  readonly recipients: number;
  readonly jobs: number;
  readonly awaitingApproval: boolean;
}

/**
 * Publishes newly ingested versions to "immediate" subscribers: the digest variants of
 * {@link composeDigests}, each planned (and rendered once, if it has readers). The claim for mailing
 * them is `ImmediateMailing`'s, which calls this.
 */
export async function publishImmediateDigests(
  ports: PublishPorts,
  settings: PublishSettings,
  versions: readonly ArticleVersion[],
  now: Date,
): Promise<PlannedDigest[]> {
  return publishDigests(ports, settings, versions, 'immediate', now);
}

/**
 * Makes the digests of one cadence for these versions: every variant recorded, then planned (and
 * rendered once, when it has readers) — unless approval mode holds it for an operator, rendered so it
 * can be tested. Digests without recipients are left out.
 */
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
  for (const { digest, audience, checkReceipts } of composeDigests(versions, stored, cadence)) {
    // Approval mode: rendered now, for the operator's test copy; else when the planner finds readers.
    if (settings.requireApproval)
      await ports.digests.saveRendered(await renderDigest(digest, ports.templates, settings, versionsOf));
    const fresh: DigestRecord = {
      id: digest.id,
      cadence,
      lang: digest.lang,
      articles: digest.articles.map((a) => ({ articleId: a.articleId, lang: a.lang })),
      audience: { ...audience, checkReceipts },
      createdAt: now.toISOString(),
      control: 'run',
      ...(settings.requireApproval ? { approval: 'required' as const } : {}),
      planned: 0,
      jobs: 0,
      planComplete: false,
    };
    const record = await ports.digests.createRecord(fresh);
    const result = await planDigest(ports, settings, record.id, () => new Date(), {
      owner: randomUUID(),
      digest: { digest, versionsOf },
      rendered: settings.requireApproval ? [digest.id] : [],
    });
    const awaitingApproval = result.outcome === 'awaiting-approval';
    if (result.planned === 0 && !awaitingApproval) continue;
    planned.push({
      digestId: digest.id,
      lang: digest.lang,
      articles: digest.articles.length,
      recipients: result.planned,
      jobs: result.jobs,
      awaitingApproval,
    });
  }
  return planned;
}
