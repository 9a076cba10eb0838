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

export interface ArticleStore {
  putVersion(version: ArticleVersion): Promise<void>;
  /**
   * Claims the right to mail this content (article, language, content hash). True when this caller
   * holds the claim: it is new, or an earlier claim was never planned and its lease ran out.
   */
  claimMailing(version: ArticleVersion, leaseMs: number, now: Date): Promise<boolean>;
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
  /** One page of confirmed subscribers of a language and cadence. */
  pageAudience(lang: Language, cadence: Cadence, limit: number, cursor?: string): Promise<AudiencePage>;
  setStatus(id: string, status: SubscriberStatus, now: Date): Promise<void>;
}

export interface DigestStore {
  saveRendered(rendered: RenderedDigest): Promise<void>;
  loadRendered(digestId: string): Promise<RenderedDigest>;
  putRecord(record: DigestRecord): Promise<void>;
}

export interface SendQueue {
  enqueue(jobs: readonly SendJob[]): Promise<void>;
}

export interface OutgoingMail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

export type LedgerClaim = 'claimed' | 'already-sent' | 'in-flight';

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
