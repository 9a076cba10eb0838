import type { Language } from '#core/i18n/languages.ts';
import type { Cadence, Subscriber, SubscriberStatus } from '#core/subscriptions/subscriber.ts';

// What subscriptions need: the subscribers, the suppressed addresses, a reader's history, the notices.

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

/** What is kept about a reader besides the profile — send-ledger rows and receipts — for erasure. */
export interface ReaderHistory {
  /** Removes every trace of these ids (a reader's id, and the one it had before ids were keyed). */
  forget(subscriberIds: readonly string[]): Promise<{ ledgerRows: number; receipts: number }>;
}

/** Keyed hashes of addresses that must never be mailed: bounced, complained, erased. */
export interface SuppressionList {
  has(addressHash: string): Promise<boolean>;
  add(addressHash: string, reason: 'bounce' | 'complaint' | 'erased' | 'operator', now: Date): Promise<void>;
}

/** The one-off mails of a subscription: each rendered and sent at once, to one address. */
export interface Notices {
  confirmation(subscriber: Subscriber, confirmUrl: string): Promise<void>;
  welcome(subscriber: Subscriber): Promise<void>;
  link(subscriber: Subscriber, kind: 'data' | 'erase', url: string): Promise<void>;
}
