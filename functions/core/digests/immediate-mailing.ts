import {
  type PlannedDigest,
  type PublishPorts,
  type PublishSettings,
  publishDigests,
} from '#core/digests/publish.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import type { ArticleStore } from '#core/documents/ports.ts';

/**
 * How long a mailing claim is held before another delivery of the same event may take it over: longer
 * than a batch takes to be ingested and planned.
 */
export const MAILING_CLAIM_LEASE_MS = 120_000;

/** What the claim needs of the article store. */
export type MailingArticles = Pick<
  ArticleStore,
  'claimMailing' | 'recordPublished' | 'releaseMailing' | 'markMailingPlanned'
>;

/**
 * The claim for mailing new versions to "immediate" readers, from taken to settled, for one batch of
 * documents. {@link claim} takes it for a stored version — true only for an (article, language) never
 * mailed before whose bytes were never mailed under another key — and {@link publish} plans the digests
 * for every version claimed, then marks the claims planned; if publishing fails, the claims are given
 * back, so the batch's retry claims and mails them again (the planner resumes, the ledger stops doubles).
 */
export class ImmediateMailing {
  private readonly claimed: ArticleVersion[] = [];

  constructor(
    private readonly articles: MailingArticles,
    private readonly leaseMs: number = MAILING_CLAIM_LEASE_MS,
  ) {}

  /** Takes the claim for mailing `version`; false when someone mails (or mailed) it already. */
  async claim(version: ArticleVersion, now: Date): Promise<boolean> {
    if (version.archiveOnly) return false;
    if (!(await this.articles.claimMailing(version, this.leaseMs, now))) return false;
    try {
      await this.articles.recordPublished(version);
    } catch (error) {
      await this.articles.releaseMailing(version).catch(() => undefined);
      throw error;
    }
    this.claimed.push(version);
    return true;
  }

  /** The versions claimed and not yet published. */
  get pending(): readonly ArticleVersion[] {
    return this.claimed;
  }

  /**
   * Publishes every version claimed so far as the immediate digests, so documents of one batch arrive in
   * one mail; only after every digest is planned are the claims settled, so a crash in between re-plans
   * the same digest ids instead of losing the mail.
   */
  async publish(ports: PublishPorts, settings: PublishSettings, now: Date): Promise<PlannedDigest[]> {
    const versions = this.claimed.splice(0);
    if (versions.length === 0) return [];
    try {
      const planned = await publishDigests(ports, settings, versions, 'immediate', now);
      for (const version of versions)
        await this.articles.markMailingPlanned(version, planned[0]?.digestId ?? 'none');
      return planned;
    } catch (error) {
      await Promise.allSettled(versions.map((version) => this.articles.releaseMailing(version)));
      throw error;
    }
  }
}
