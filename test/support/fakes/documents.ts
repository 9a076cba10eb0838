import type { ArticleVersion } from '#core/documents/article.ts';
import type {
  ArticleRef,
  ArticleStore,
  DocumentSource,
  Quarantine,
  QuarantineReason,
} from '#core/documents/ports.ts';

/** In-memory stand-ins for the documents ports: the article store and the documents bucket. */
export class MemoryArticleStore implements ArticleStore {
  readonly versions = new Map<string, ArticleVersion>();
  readonly claims = new Map<string, 'claimed' | 'planned'>();
  readonly sources = new Map<string, ArticleRef>();
  readonly published: Array<{ at: string; ref: ArticleRef }> = [];

  async recordPublished(version: ArticleVersion) {
    this.published.push({
      at: version.ingestedAt,
      ref: { articleId: version.articleId, lang: version.lang },
    });
  }
  async listPublished(since: Date, until: Date) {
    return this.published
      .filter((p) => p.at > since.toISOString() && p.at <= until.toISOString())
      .map((p) => p.ref);
  }

  async putVersion(version: ArticleVersion) {
    this.versions.set(`${version.articleId}/${version.lang}`, version);
    this.sources.set(version.sourceKey, { articleId: version.articleId, lang: version.lang });
  }
  async listArchive(lang: string, limit: number) {
    return [...this.versions.values()]
      .filter((v) => v.lang === lang && !v.withdrawnAt)
      .sort((a, b) => b.published.localeCompare(a.published))
      .slice(0, limit);
  }
  readonly suggestions = new Map<string, number>();
  async countSuggestion(articleId: string, count: number) {
    this.suggestions.set(articleId, (this.suggestions.get(articleId) ?? 0) + count);
  }
  async getVersions(articleId: string) {
    return [...this.versions.values()].filter((v) => v.articleId === articleId);
  }
  async withdrawBySource(sourceKey: string, now: Date) {
    const ref = this.sources.get(sourceKey);
    if (!ref) return undefined;
    const key = `${ref.articleId}/${ref.lang}`;
    this.versions.set(key, { ...this.versions.get(key)!, withdrawnAt: now.toISOString() });
    this.sources.delete(sourceKey);
    return ref;
  }
  async withdrawnAmong(refs: readonly ArticleRef[]) {
    return refs.filter((r) => this.versions.get(`${r.articleId}/${r.lang}`)?.withdrawnAt);
  }
  async claimMailing(version: ArticleVersion) {
    const keys = [`${version.articleId}/${version.lang}`, `content/${version.contentHash}`];
    if (keys.some((k) => this.claims.has(k))) return false;
    for (const k of keys) this.claims.set(k, 'claimed');
    return true;
  }
  async releaseMailing(version: ArticleVersion) {
    this.claims.delete(`${version.articleId}/${version.lang}`);
    this.claims.delete(`content/${version.contentHash}`);
  }
  async markMailingPlanned(version: ArticleVersion) {
    this.claims.set(`${version.articleId}/${version.lang}`, 'planned');
    this.claims.set(`content/${version.contentHash}`, 'planned');
  }
  async liveVersionFrom(sourceKey: string) {
    const ref = this.sources.get(sourceKey);
    const version = ref && this.versions.get(`${ref.articleId}/${ref.lang}`);
    return version && version.sourceKey === sourceKey && !version.withdrawnAt
      ? { articleId: version.articleId, lang: version.lang, title: version.title }
      : undefined;
  }
  readonly expectedRemovals = new Map<string, string | undefined>();
  async expectRemoval(sourceKey: string, _now: Date, versionId?: string) {
    this.expectedRemovals.set(sourceKey, versionId);
  }
  async takeExpectedRemoval(sourceKey: string, versionId: string | undefined) {
    if (!this.expectedRemovals.has(sourceKey)) return false;
    const expected = this.expectedRemovals.get(sourceKey);
    if (expected !== undefined && expected !== versionId) return false;
    this.expectedRemovals.delete(sourceKey);
    return true;
  }
  async loadBody(version: ArticleVersion) {
    return version.bodyHtml;
  }
}

/** A bucket in memory: documents by key, with their S3 metadata. */
export class MemoryBucket implements DocumentSource, Quarantine {
  readonly objects = new Map<string, { bytes: Uint8Array; metadata: Record<string, string> }>();
  readonly quarantined = new Map<string, QuarantineReason>();

  put(key: string, body: string | Uint8Array, metadata: Record<string, string> = {}) {
    this.objects.set(key, { bytes: typeof body === 'string' ? Buffer.from(body) : body, metadata });
  }
  async get(key: string, maxBytes?: number) {
    const object = this.objects.get(key);
    return object && maxBytes !== undefined
      ? { ...object, bytes: object.bytes.subarray(0, maxBytes + 1) }
      : object;
  }
  async quarantine(reason: QuarantineReason) {
    const quarantineKey = `quarantine/${reason.key.replace(/^documents\//, '')}`;
    this.quarantined.set(quarantineKey, reason);
    this.objects.delete(reason.key);
    return { quarantineKey };
  }
}
