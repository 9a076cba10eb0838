import type { Language } from '#core/i18n/languages.ts';
import type { RateLimiter } from '#core/limits/ports.ts';
import type { QueuedPublicMail } from '#core/public-mail/jobs.ts';
import type { PublicMailQueue } from '#core/public-mail/ports.ts';
import type { AudiencePage, Notices, SubscriberStore, SuppressionList } from '#core/subscriptions/ports.ts';
import type { Cadence, Subscriber, SubscriberStatus } from '#core/subscriptions/subscriber.ts';
import { testIdFor } from '../fixtures.ts';

/** In-memory stand-ins for the subscriptions ports: subscribers, suppressions, limits, notices and the public-mail queue. */
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

/** The public-mail queue, in memory: what was queued, in order, and after how long each is due. */
export class MemoryPublicMailQueue implements PublicMailQueue {
  readonly jobs: QueuedPublicMail[] = [];
  readonly delays: number[] = [];
  async enqueue(jobs: readonly QueuedPublicMail[], delaySeconds = 0) {
    this.jobs.push(...jobs);
    this.delays.push(...jobs.map(() => delaySeconds));
  }
}
