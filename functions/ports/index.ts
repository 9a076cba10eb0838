import type { DigestControl, DigestRecord, RenderedDigest, SendJob } from '#core/digests/digest.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import type { RejectionReason } from '#core/errors.ts';
import type { Language } from '#core/languages.ts';
import type { Cadence, Subscriber, SubscriberStatus } from '#core/subscriptions/subscriber.ts';

/** Where documents are read from (the documents bucket). */
export interface DocumentSource {
  /**
   * The object's bytes, or undefined when it no longer exists. With `maxBytes`, no more than one byte
   * beyond it is read (so a size over the limit shows, without reading it all).
   */
  get(
    key: string,
    maxBytes?: number,
  ): Promise<{ bytes: Uint8Array; metadata: Readonly<Record<string, string>> } | undefined>;
}

export interface QuarantineReason {
  readonly key: string;
  readonly reason: RejectionReason;
  readonly message: string;
  readonly at: string;
  /** The live version the rejected upload was meant to replace (it stays live). */
  readonly replaces?: ArticleRef & { readonly title: string };
}

/** Moves a rejected document out of the documents prefix, with the reason kept apart from it. */
export interface Quarantine {
  /** `removedAs`: the version id of the removal (a delete marker), when the bucket keeps versions. */
  quarantine(reason: QuarantineReason): Promise<{ quarantineKey: string; removedAs?: string }>;
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
  /** The live version that came from `sourceKey`, if any. */
  liveVersionFrom(sourceKey: string): Promise<(ArticleRef & { readonly title: string }) | undefined>;
  /**
   * Notes that Herald itself is about to remove `sourceKey` (quarantine), as `versionId` once known, so
   * the delete event that follows withdraws nothing.
   */
  expectRemoval(sourceKey: string, now: Date, versionId?: string): Promise<void>;
  /** True (once) when this removal of `sourceKey` is the one Herald announced. */
  takeExpectedRemoval(sourceKey: string, versionId: string | undefined, now: Date): Promise<boolean>;
  /** A version's body HTML, from the item or from where a large one is kept. */
  loadBody(version: ArticleVersion): Promise<string>;
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
  /** A rendered digest or narrowed variant, by its id. */
  loadRendered(renderId: string): Promise<RenderedDigest>;
  /** Stores a new digest; when it exists already (the same content planned before), returns the stored one. */
  createRecord(record: DigestRecord): Promise<DigestRecord>;
  getRecord(digestId: string): Promise<DigestRecord | undefined>;
  /** The newest digests first. */
  listRecords(limit: number): Promise<DigestRecord[]>;
  /**
   * Takes the planner's lease on a digest. `acquired` is false while another planner's lease runs;
   * `resumed` says an earlier planner started this digest (its last page may be half queued).
   */
  leasePlanner(
    digestId: string,
    owner: string,
    leaseMs: number,
    now: Date,
  ): Promise<{ acquired: boolean; resumed: boolean }>;
  /**
   * Moves the planner past a queued page: only from cursor `from`, while `owner` holds the lease and
   * the digest is not cancelled (false otherwise: stop planning). Renews the lease.
   */
  advancePlan(
    digestId: string,
    owner: string,
    from: string | undefined,
    to: { cursor?: string; planned: number; jobs: number; complete: boolean },
    leaseMs: number,
    now: Date,
  ): Promise<boolean>;
  /** Pauses, resumes or cancels a digest; a cancelled digest stays cancelled. */
  setControl(digestId: string, control: DigestControl, reason: string | undefined, now: Date): Promise<void>;
  setApproval(digestId: string, approval: 'required' | 'approved', now: Date): Promise<void>;
  countTestCopy(digestId: string, now: Date): Promise<void>;
  /**
   * Notes a job's trailing run of failed recipients: added to the streak, or starting it again when
   * the job also had a success. Returns the new streak.
   */
  noteFailures(digestId: string, trailing: number, afterSuccess: boolean): Promise<number>;
  /** When a scheduled cadence last gathered articles. */
  getCursor(cadence: Cadence): Promise<Date | undefined>;
  setCursor(cadence: Cadence, at: Date): Promise<void>;
}

/** The global sending switch: off, no digest sends (notices still go). */
export interface SendingSwitch {
  get(): Promise<{ on: boolean; reason?: string; at?: string }>;
  set(on: boolean, reason: string | undefined, now: Date): Promise<void>;
}

/** The SES daily quota, shared by every sender: sends are reserved before they are made. */
export interface SendQuota {
  /** Reserves up to `count` sends; how many were granted, and when short, how long until more free up. */
  reserve(count: number, now: Date): Promise<{ granted: number; retryAfterSeconds: number }>;
  /** Sends counted in the rolling window, and the limit. */
  usage(now: Date): Promise<{ used: number; limit: number; windowSeconds: number }>;
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

/** What a claim on a ledger row found. */
export type LedgerClaim =
  | { readonly kind: 'claimed'; readonly attempts: number; readonly tookOver: boolean }
  | { readonly kind: 'done' }
  | { readonly kind: 'in-flight'; readonly leaseUntil: number };

/** A send SES accepted, to mark in the ledger. `tookOver`: an earlier sender died with this send in flight. */
export interface SentMark {
  readonly subscriberId: string;
  readonly messageId: string;
  readonly attempts: number;
  readonly tookOver: boolean;
}

/**
 * Ledger row states: `pending` (planned), `sending` (claimed, SES call under way), `sent`, `failed`
 * (a transient error: it is tried again), `rejected` (SES refused the address for good), `skipped`
 * (the reader left, is suppressed, or the digest was cancelled or withdrawn).
 */
export type LedgerState = 'pending' | 'sending' | 'sent' | 'failed' | 'rejected' | 'skipped';

export interface LedgerRow {
  readonly subscriberId: string;
  readonly state: LedgerState;
  /** Why it was skipped, or the last error. */
  readonly reason?: string;
  readonly attempts: number;
  /** A sender died with this send in flight: the reader may have got it twice. */
  readonly inFlightAtCrash?: boolean;
  /** The narrower variant this reader gets, if not the digest itself. */
  readonly render?: string;
}

/** Who received which article in a language other than their own (so a later translation is not sent). */
export interface Receipts {
  record(articleIds: readonly string[], subscriberId: string, now: Date): Promise<void>;
  /** For each subscriber, the articles among `articleIds` they already received. */
  receivedAmong(
    articleIds: readonly string[],
    subscriberIds: readonly string[],
  ): Promise<Map<string, Set<string>>>;
}

/** What is kept about a reader besides the profile — send-ledger rows and receipts — for erasure. */
export interface ReaderHistory {
  /** Removes every trace of these ids (a reader's id, and the one it had before ids were keyed). */
  forget(subscriberIds: readonly string[]): Promise<{ ledgerRows: number; receipts: number }>;
}

/** One row per (digest, subscriber): planned, claimed before the SES call, marked after it. */
export interface SendLedger {
  /**
   * Writes a `pending` row per recipient. `carefully`: only where no row exists yet — for a page a
   * planner that died may already have queued, whose rows may have moved on.
   */
  plan(
    digestId: string,
    subscriberIds: readonly string[],
    carefully: boolean,
    now: Date,
    /** The narrower variant these readers get, if not the digest itself. */
    render?: string,
  ): Promise<void>;
  claim(digestId: string, subscriberId: string, leaseMs: number, now: Date): Promise<LedgerClaim>;
  /** Gives a claimed row back (`pending`) when its send was not made. */
  release(digestId: string, subscriberId: string, now: Date): Promise<void>;
  markSent(digestId: string, marks: readonly SentMark[], now: Date): Promise<void>;
  markFailed(
    digestId: string,
    subscriberId: string,
    error: string,
    permanent: boolean,
    now: Date,
  ): Promise<void>;
  markSkipped(digestId: string, subscriberId: string, reason: string, now: Date): Promise<void>;
  /** Every row of a digest, page by page. */
  rows(digestId: string): AsyncIterable<LedgerRow>;
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
  /**
   * Counts `cost` (1 by default) against `limit` in the current fixed window of `scope`/`key`, only if
   * it fits; `retryAfterSeconds` says when the window ends.
   */
  take(
    scope: string,
    key: string,
    limit: number,
    windowSeconds: number,
    now: Date,
    cost?: number,
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
  /** A challenge for `client` (its address) to solve for `form`. */
  challenge(now: Date, client: string, form: 'subscribe' | 'suggest'): Promise<object>;
  verify(proof: string, now: Date, client: string, form: 'subscribe' | 'suggest'): Promise<ProofVerdict>;
}

/** `foreign`: a genuine proof, but solved for another client or another form. */
export type ProofVerdict = 'ok' | 'invalid' | 'replayed' | 'foreign';
