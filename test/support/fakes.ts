import { FileTemplateSource } from '#adapters/fs-templates.ts';
import type {
  LedgerClaim,
  LedgerRow,
  LedgerState,
  Receipts,
  SendingSwitch,
  SendLedger,
  SendQueue,
  SendQuota,
  SentMark,
} from '#core/delivery/ports.ts';
import type { DigestControl, DigestRecord, RenderedDigest, SendJob } from '#core/digests/digest.ts';
import type { DigestStore } from '#core/digests/ports.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import type {
  ArticleRef,
  ArticleStore,
  DocumentSource,
  Quarantine,
  QuarantineReason,
} from '#core/documents/ports.ts';
import type { Language } from '#core/i18n/languages.ts';
import type { RateLimiter } from '#core/limits/ports.ts';
import type { Mailer, OutgoingMail } from '#core/mail/ports.ts';
import type { QueuedPublicMail } from '#core/public-mail/jobs.ts';
import type { PublicMailQueue } from '#core/public-mail/ports.ts';
import type { AudiencePage, Notices, SubscriberStore, SuppressionList } from '#core/subscriptions/ports.ts';
import type { Cadence, Subscriber, SubscriberStatus } from '#core/subscriptions/subscriber.ts';
import { testIdFor } from './fixtures.ts';

/** In-memory stand-ins for the ports, for unit tests of the core. */
export class MemorySubscriberStore implements SubscriberStore {
  readonly byId = new Map<string, Subscriber>();

  async put(subscriber: Subscriber) {
    this.byId.set(subscriber.id, subscriber);
  }
  async get(id: string) {
    return this.byId.get(id);
  }
  async getMany(ids: readonly string[]) {
    return new Map(ids.flatMap((id) => (this.byId.has(id) ? [[id, this.byId.get(id)!] as const] : [])));
  }
  async pageAudience(
    lang: Language,
    cadence: Cadence,
    limit: number,
    cursor?: string,
    alsoOriginalOnly = false,
  ): Promise<AudiencePage> {
    const all = [...this.byId.values()]
      .filter((s) => s.status === 'confirmed' && s.lang === lang && s.cadence === cadence)
      .filter((s) => !alsoOriginalOnly || s.alsoOriginalLanguage)
      .sort((a, b) => a.id.localeCompare(b.id));
    const start = cursor ? Number(cursor) : 0;
    const next = start + limit;
    return { subscribers: all.slice(start, next), cursor: next < all.length ? String(next) : undefined };
  }
  async delete(id: string) {
    this.byId.delete(id);
  }
  async setStatus(id: string, status: SubscriberStatus, now: Date) {
    const s = this.byId.get(id);
    if (s) this.byId.set(id, { ...s, status, updatedAt: now.toISOString() });
  }
}

export function subscriber(email: string, lang: Language, overrides: Partial<Subscriber> = {}): Subscriber {
  return {
    id: testIdFor(email),
    email,
    status: 'confirmed',
    lang,
    cadence: 'immediate',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export class MemoryLedger implements SendLedger {
  readonly byKey = new Map<
    string,
    {
      state: LedgerState;
      leaseUntil?: number;
      attempts: number;
      messageId?: string;
      reason?: string;
      inFlightAtCrash?: boolean;
      render?: string;
    }
  >();

  async plan(
    digestId: string,
    subscriberIds: readonly string[],
    carefully: boolean,
    _now?: Date,
    render?: string,
  ) {
    for (const id of subscriberIds) {
      const key = `${digestId}/${id}`;
      if (!carefully || !this.byKey.has(key))
        this.byKey.set(key, { state: 'pending', attempts: 0, ...(render ? { render } : {}) });
    }
  }
  async claim(digestId: string, subscriberId: string, leaseMs: number, now: Date): Promise<LedgerClaim> {
    const key = `${digestId}/${subscriberId}`;
    const row = this.byKey.get(key);
    if (row?.state === 'sending' && row.leaseUntil! >= now.getTime())
      return { kind: 'in-flight', leaseUntil: row.leaseUntil! };
    const tookOver = row?.state === 'sending' || row?.inFlightAtCrash === true;
    if (row && !['pending', 'failed', 'sending'].includes(row.state)) return { kind: 'done' };
    const attempts = (row?.attempts ?? 0) + 1;
    this.byKey.set(key, {
      state: 'sending',
      leaseUntil: now.getTime() + leaseMs,
      attempts,
      ...(tookOver ? { inFlightAtCrash: true } : {}),
    });
    return { kind: 'claimed', attempts, tookOver };
  }
  async release(digestId: string, subscriberId: string, _now?: Date) {
    const key = `${digestId}/${subscriberId}`;
    const row = this.byKey.get(key);
    if (row?.state === 'sending') this.byKey.set(key, { ...row, state: 'pending', leaseUntil: undefined });
  }
  async markSent(digestId: string, marks: readonly SentMark[], _now?: Date) {
    for (const mark of marks) {
      const key = `${digestId}/${mark.subscriberId}`;
      this.byKey.set(key, {
        state: 'sent',
        messageId: mark.messageId,
        attempts: mark.attempts,
        ...(mark.tookOver ? { inFlightAtCrash: true } : {}),
      });
    }
  }
  async markFailed(digestId: string, subscriberId: string, error: string, permanent: boolean, _now?: Date) {
    const key = `${digestId}/${subscriberId}`;
    const row = this.byKey.get(key)!;
    this.byKey.set(key, {
      ...row,
      state: permanent ? 'rejected' : 'failed',
      reason: error,
      leaseUntil: undefined,
    });
  }
  async markSkipped(digestId: string, subscriberId: string, reason: string, _now?: Date) {
    const key = `${digestId}/${subscriberId}`;
    const row = this.byKey.get(key);
    if (row?.state !== 'sent')
      this.byKey.set(key, { attempts: row?.attempts ?? 0, state: 'skipped', reason });
  }
  async *rows(digestId: string): AsyncIterable<LedgerRow> {
    for (const [key, row] of this.byKey) {
      const [digest, subscriberId] = key.split('/') as [string, string];
      if (digest === digestId) yield { subscriberId, ...row };
    }
  }
}

/** Records every mail; `failFor` makes sends to those addresses throw, as SES would. */
export class RecordingMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  readonly failFor = new Set<string>();

  async send(mail: OutgoingMail) {
    if (this.failFor.has(mail.to)) throw new Error('SES said no');
    this.sent.push(mail);
    return { messageId: `m-${this.sent.length}` };
  }
}

export class MemoryDigestStore implements DigestStore {
  readonly rendered = new Map<string, RenderedDigest>();
  readonly records = new Map<string, DigestRecord & { plannerOwner?: string; plannerLeaseUntil?: number }>();
  readonly cursors = new Map<string, Date>();

  async getCursor(cadence: string) {
    return this.cursors.get(cadence);
  }
  async setCursor(cadence: string, at: Date) {
    this.cursors.set(cadence, at);
  }
  async saveRendered(rendered: RenderedDigest) {
    this.rendered.set(rendered.digestId, rendered);
  }
  async loadRendered(digestId: string) {
    const rendered = this.rendered.get(digestId);
    if (!rendered) throw new Error(`no rendered digest ${digestId}`);
    return rendered;
  }
  async createRecord(record: DigestRecord) {
    const existing = this.records.get(record.id);
    if (existing) return existing;
    this.records.set(record.id, record);
    return record;
  }
  async getRecord(digestId: string) {
    const record = this.records.get(digestId);
    return record ? { ...record } : undefined;
  }
  async listRecords(limit: number) {
    return [...this.records.values()].reverse().slice(0, limit);
  }
  async leasePlanner(digestId: string, owner: string, leaseMs: number, now: Date) {
    const record = this.records.get(digestId)!;
    if ((record.plannerLeaseUntil ?? 0) >= now.getTime()) return { acquired: false, resumed: true };
    this.records.set(digestId, {
      ...record,
      plannerOwner: owner,
      plannerLeaseUntil: now.getTime() + leaseMs,
    });
    return { acquired: true, resumed: record.plannerOwner !== undefined };
  }
  async advancePlan(
    digestId: string,
    owner: string,
    from: string | undefined,
    to: { cursor?: string; planned: number; jobs: number; complete: boolean },
    leaseMs: number,
    now: Date,
  ) {
    const record = this.records.get(digestId)!;
    if (record.plannerOwner !== owner || record.control === 'cancelled' || record.planCursor !== from)
      return false;
    this.records.set(digestId, {
      ...record,
      planCursor: to.cursor,
      planned: to.planned,
      jobs: to.jobs,
      planComplete: to.complete,
      plannerLeaseUntil: to.complete ? 0 : now.getTime() + leaseMs,
    });
    return true;
  }
  async setControl(digestId: string, control: DigestControl, reason: string | undefined, _now?: Date) {
    const record = this.records.get(digestId)!;
    if (record.control === 'cancelled') throw new Error(`${digestId} is cancelled`);
    this.records.set(digestId, {
      ...record,
      control,
      controlReason: reason,
      ...(control === 'run' ? { failureStreak: 0 } : {}),
    });
  }
  async setApproval(digestId: string, approval: 'required' | 'approved', _now?: Date) {
    this.records.set(digestId, { ...this.records.get(digestId)!, approval });
  }
  async countTestCopy(digestId: string, _now?: Date) {
    const record = this.records.get(digestId)!;
    this.records.set(digestId, { ...record, testCopies: (record.testCopies ?? 0) + 1 });
  }
  async noteFailures(digestId: string, trailing: number, afterSuccess: boolean) {
    const record = this.records.get(digestId)!;
    const failureStreak = afterSuccess ? trailing : (record.failureStreak ?? 0) + trailing;
    this.records.set(digestId, { ...record, failureStreak });
    return failureStreak;
  }
}

/** The global switch, in memory. */
export class MemorySendingSwitch implements SendingSwitch {
  state: { on: boolean; reason?: string } = { on: true };
  async get() {
    return this.state;
  }
  async set(on: boolean, reason?: string, _now?: Date) {
    this.state = { on, reason };
  }
}

/** A daily quota that counts every reservation, with a clock the test moves. */
export class MemorySendQuota implements SendQuota {
  used = 0;
  constructor(public limit = Number.POSITIVE_INFINITY) {}
  async reserve(count: number) {
    const granted = Math.max(0, Math.min(count, this.limit - this.used));
    this.used += granted;
    return { granted, retryAfterSeconds: granted < count ? 60 : 0 };
  }
  async usage() {
    return { used: this.used, limit: this.limit, windowSeconds: 86_400 };
  }
}

export class MemorySendQueue implements SendQueue {
  readonly jobs: SendJob[] = [];
  readonly delays: number[] = [];
  async enqueue(jobs: readonly SendJob[], delaySeconds = 0) {
    this.jobs.push(...jobs);
    for (const _ of jobs) this.delays.push(delaySeconds);
  }
}

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

export class MemoryReceipts implements Receipts {
  readonly got = new Set<string>();
  async record(articleIds: readonly string[], subscriberId: string) {
    for (const id of articleIds) this.got.add(`${id}/${subscriberId}`);
  }
  async receivedAmong(articleIds: readonly string[], subscriberIds: readonly string[]) {
    const result = new Map<string, Set<string>>();
    for (const s of subscriberIds)
      for (const a of articleIds)
        if (this.got.has(`${a}/${s}`)) result.set(s, (result.get(s) ?? new Set()).add(a));
    return result;
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

export class MemorySuppressionList implements SuppressionList {
  readonly hashes = new Map<string, string>();
  async has(hash: string) {
    return this.hashes.has(hash);
  }
  async add(hash: string, reason: string) {
    this.hashes.set(hash, reason);
  }
}

export class MemoryRateLimiter implements RateLimiter {
  readonly counts = new Map<string, number>();
  async take(scope: string, key: string, limit: number, windowSeconds: number, now: Date, cost = 1) {
    const window = Math.floor(now.getTime() / 1000 / windowSeconds);
    const id = `${scope}/${key}/${window}`;
    const count = this.counts.get(id) ?? 0;
    if (count + cost > limit) return { allowed: false, retryAfterSeconds: windowSeconds };
    this.counts.set(id, count + cost);
    return { allowed: true, retryAfterSeconds: 0 };
  }
}

export class RecordingNotices implements Notices {
  readonly sent: Array<{ kind: string; to: string; url?: string }> = [];
  async confirmation(subscriber: Subscriber, confirmUrl: string) {
    this.sent.push({ kind: 'confirmation', to: subscriber.email, url: confirmUrl });
  }
  async welcome(subscriber: Subscriber) {
    this.sent.push({ kind: 'welcome', to: subscriber.email });
  }
  async link(subscriber: Subscriber, kind: 'data' | 'erase', url: string) {
    this.sent.push({ kind, to: subscriber.email, url });
  }
}

/** The public-mail queue, in memory: what the request path queued, in order. */
export class MemoryPublicMailQueue implements PublicMailQueue {
  readonly jobs: QueuedPublicMail[] = [];
  async enqueue(jobs: readonly QueuedPublicMail[]) {
    this.jobs.push(...jobs);
  }
}

/** No pacing: unit tests send as fast as they can. */
export const noPace = { take: async () => undefined };

/** A fresh in-memory Herald: every store a unit test of the whole pipeline needs, and the sender's ports. */
export function memoryHerald() {
  const stores = {
    bucket: new MemoryBucket(),
    articles: new MemoryArticleStore(),
    subscribers: new MemorySubscriberStore(),
    digests: new MemoryDigestStore(),
    receipts: new MemoryReceipts(),
    mailer: new RecordingMailer(),
    ledger: new MemoryLedger(),
    suppressions: new MemorySuppressionList(),
    sending: new MemorySendingSwitch(),
    quota: new MemorySendQuota(),
    /** Where the planner queues jobs by default, and where a deferred job's rest goes back. */
    sendQueue: new MemorySendQueue(),
  };
  const {
    digests,
    subscribers,
    ledger,
    mailer,
    articles,
    receipts,
    suppressions,
    sending,
    quota,
    sendQueue,
  } = stores;
  return {
    ...stores,
    /** What the planner needs, queueing jobs on `sendQueue`. */
    publishPorts: (queue: SendQueue = sendQueue) => ({
      articles,
      digests,
      subscribers,
      receipts,
      ledger,
      sendQueue: queue,
      templates: new FileTemplateSource(),
    }),
    deliveryPorts: {
      digests,
      subscribers,
      ledger,
      mailer,
      articles,
      receipts,
      suppressions,
      sending,
      quota,
      pace: noPace,
      sendQueue,
      // Retries back off without waiting in unit tests.
      sleep: async () => undefined,
    },
  };
}
