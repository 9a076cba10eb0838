import type { DigestRecord, RenderedDigest, SendJob } from '#core/digests/digest.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import type { RejectionReason } from '#core/errors.ts';
import type { Language } from '#core/languages.ts';
import type { Cadence, Subscriber, SubscriberStatus } from '#core/subscriptions/subscriber.ts';

/** Where documents are read from (the documents bucket). */
export interface DocumentSource {
  /** The object's bytes, or undefined when it no longer exists. */
  get(key: string): Promise<{ bytes: Uint8Array; metadata: Readonly<Record<string, string>> } | undefined>;
}

export interface QuarantineReason {
  readonly key: string;
  readonly reason: RejectionReason;
  readonly message: string;
  readonly at: string;
}

/** Moves a rejected document out of the documents prefix, with the reason beside it. */
export interface Quarantine {
  quarantine(reason: QuarantineReason): Promise<{ quarantineKey: string }>;
}

export interface ArticleRef {
  readonly articleId: string;
  readonly lang: Language;
}

export interface ArticleStore {
  /** Stores a version and remembers which object key it came from. */
  putVersion(version: ArticleVersion): Promise<void>;
  /** The archive of a language, newest first: every version published there and not withdrawn. */
  listArchive(
    lang: Language,
    limit: number,
  ): Promise<Array<Pick<ArticleVersion, 'articleId' | 'lang' | 'title' | 'published'>>>;
  /** Counts suggestions of an article (no address is kept). */
  countSuggestion(articleId: string, count: number): Promise<void>;
  /** Every stored version of an article (all languages). */
  getVersions(articleId: string): Promise<ArticleVersion[]>;
  /** Marks the version that came from `sourceKey` withdrawn; undefined when no version came from it. */
  withdrawBySource(sourceKey: string, now: Date): Promise<ArticleRef | undefined>;
  /** Which of these versions are withdrawn. */
  withdrawnAmong(refs: readonly ArticleRef[]): Promise<ArticleRef[]>;
  /**
   * Claims the right to mail this version: its (article, language) was never mailed, nor were these
   * bytes under any other key. True when this caller holds the claim: it is new, or an earlier claim
   * was never planned and its lease ran out. A corrected version of a mailed article is not mailed again.
   */
  claimMailing(version: ArticleVersion, leaseMs: number, now: Date): Promise<boolean>;
  /** Remembers a version as published for mail, for the daily and weekly digests that gather it later. */
  recordPublished(version: ArticleVersion): Promise<void>;
  /** The versions published for mail in (since, until], oldest first, each once. */
  listPublished(since: Date, until: Date): Promise<ArticleRef[]>;
  /** Gives a claim back when planning failed, so the retried event can mail the content. */
  releaseMailing(version: ArticleVersion): Promise<void>;
  /** Marks claimed content as planned into a digest: it will not be mailed again. */
  markMailingPlanned(version: ArticleVersion, digestId: string): Promise<void>;
}

export interface AudiencePage {
  readonly subscribers: readonly Subscriber[];
  readonly cursor?: string;
}

export interface SubscriberStore {
  put(subscriber: Subscriber): Promise<void>;
  get(id: string): Promise<Subscriber | undefined>;
  getMany(ids: readonly string[]): Promise<Map<string, Subscriber>>;
  /**
   * One page of confirmed subscribers of a language and cadence; with `alsoOriginalOnly`, only those who
   * also want articles that have no version in their language.
   */
  pageAudience(
    lang: Language,
    cadence: Cadence,
    limit: number,
    cursor?: string,
    alsoOriginalOnly?: boolean,
  ): Promise<AudiencePage>;
  setStatus(id: string, status: SubscriberStatus, now: Date): Promise<void>;
  /** Removes the subscriber and everything about them (erasure). */
  delete(id: string): Promise<void>;
}

export interface DigestStore {
  saveRendered(rendered: RenderedDigest): Promise<void>;
  loadRendered(digestId: string): Promise<RenderedDigest>;
  putRecord(record: DigestRecord): Promise<void>;
  /** When a scheduled cadence last gathered articles. */
  getCursor(cadence: Cadence): Promise<Date | undefined>;
  setCursor(cadence: Cadence, at: Date): Promise<void>;
}

export interface SendQueue {
  /** Queues jobs, visible after `delaySeconds` (at most 900). */
  enqueue(jobs: readonly SendJob[], delaySeconds?: number): Promise<void>;
}

export interface OutgoingMail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly replyTo?: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

export type LedgerClaim = 'claimed' | 'already-sent' | 'in-flight';

/** Who received which article in a language other than their own (so a later translation is not sent). */
export interface Receipts {
  record(articleIds: readonly string[], subscriberId: string, now: Date): Promise<void>;
  /** For each subscriber, the articles among `articleIds` they already received. */
  receivedAmong(
    articleIds: readonly string[],
    subscriberIds: readonly string[],
  ): Promise<Map<string, Set<string>>>;
}

/** One row per (digest, subscriber): written before the SES call, marked after it. */
export interface SendLedger {
  claim(digestId: string, subscriberId: string, leaseMs: number, now: Date): Promise<LedgerClaim>;
  markSent(digestId: string, subscriberId: string, messageId: string, now: Date): Promise<void>;
  markFailed(digestId: string, subscriberId: string, error: string, now: Date): Promise<void>;
  markSkipped(digestId: string, subscriberId: string, reason: string, now: Date): Promise<void>;
}

/** Reads templates and message files from `templates/`. */
export interface TemplateSource {
  read(name: string): Promise<string>;
}

/** Keyed hashes of addresses that must never be mailed: bounced, complained, erased. */
export interface SuppressionList {
  has(addressHash: string): Promise<boolean>;
  add(addressHash: string, reason: 'bounce' | 'complaint' | 'erased' | 'operator', now: Date): Promise<void>;
}

/** Fixed-window counters: `take` counts one and says whether the limit still allows it. */
export interface RateLimiter {
  take(
    scope: string,
    key: string,
    limit: number,
    windowSeconds: number,
    now: Date,
  ): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}

/** The one-off mails of a subscription: each rendered and sent at once, to one address. */
export interface Notices {
  confirmation(subscriber: Subscriber, confirmUrl: string): Promise<void>;
  welcome(subscriber: Subscriber): Promise<void>;
  link(subscriber: Subscriber, kind: 'data' | 'erase', url: string): Promise<void>;
}

/** A proof of work for public forms: challenges to solve in the page, each solution accepted once. */
export interface ProofOfWork {
  challenge(now: Date): Promise<object>;
  verify(proof: string, now: Date): Promise<'ok' | 'invalid' | 'replayed'>;
}
