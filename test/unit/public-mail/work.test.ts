import { beforeEach, describe, expect, it } from 'vitest';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import {
  AccountRefusedError,
  DailyQuotaExceededError,
  RecipientRejectedError,
  SendThrottledError,
} from '#core/delivery/send-errors.ts';
import type { Mailer } from '#core/mail/ports.ts';
import type { QueuedPublicMail } from '#core/public-mail/jobs.ts';
import { PacedQuotaMailer, PublicMailWaitError } from '#core/public-mail/paced-mailer.ts';
import { MAX_WAITS, workPublicMail } from '#core/public-mail/work.ts';
import { RecordingMailer } from '../../support/fakes/delivery.ts';
import { MemoryArticleStore } from '../../support/fakes/documents.ts';
import {
  MemoryPublicMailQueue,
  MemoryRateLimiter,
  MemorySubscriberStore,
  MemorySuppressionList,
  subscriber,
} from '../../support/fakes/subscriptions.ts';
import { TEST_ADDRESS_KEY, testTokenKeys } from '../../support/fixtures.ts';

const settings = {
  from: 'news@example.org',
  publisher: 'Ministry of Examples',
  publicBaseUrl: 'https://news.example.org/',
  postalAddress: '1 Example Square',
  tokenKeys: testTokenKeys('w'),
  addressKey: TEST_ADDRESS_KEY,
  confirmHours: 48,
  linkMinutes: 60,
  subscription: { confirmationsPerMailboxPerDay: 2, confirmationsPerDomainPerHour: 4 },
  suggestion: { perFriendPerDay: 1, perDomainPerHour: 5 },
};
const now = new Date('2026-11-20T10:00:00Z');
const reader = subscriber('ana@example.org', 'es', { status: 'confirmed' });
const welcome: QueuedPublicMail = { kind: 'welcome', subscriberId: reader.id };

let queue: MemoryPublicMailQueue;
let subscribers: MemorySubscriberStore;
beforeEach(async () => {
  queue = new MemoryPublicMailQueue();
  subscribers = new MemorySubscriberStore();
  await subscribers.put(reader);
});
/** The worker's ports, with a mailer that answers as `mailer` does. */
const portsWith = (mailer: Mailer) => ({
  subscribers,
  suppressions: new MemorySuppressionList(),
  optOuts: new MemorySuppressionList(),
  limits: new MemoryRateLimiter(),
  articles: new MemoryArticleStore(),
  templates: new FileTemplateSource('templates'),
  mailer,
  queue,
});
const refusing = (error: Error): Mailer => ({
  send: async () => {
    throw error;
  },
});

describe('a public-mail job', () => {
  it('is sent, and nothing goes back on the queue', async () => {
    const mailer = new RecordingMailer();
    const result = await workPublicMail(portsWith(mailer), settings, welcome, now);
    expect(result).toEqual({ kind: 'done', outcome: 'sent' });
    expect(mailer.sent.map((mail) => mail.to)).toEqual(['ana@example.org']);
    expect(queue.jobs).toEqual([]);
  });

  it('waits for the quota: back on the queue, counted, after the delay the quota names', async () => {
    const mailer = refusing(new PublicMailWaitError('the daily quota is reached', 42));
    const result = await workPublicMail(portsWith(mailer), settings, { ...welcome, waited: 3 }, now);
    expect(result).toMatchObject({ kind: 'waiting', delaySeconds: 42, accountRefused: false });
    expect(queue.jobs).toEqual([{ ...welcome, waited: 4 }]);
    expect(queue.delays).toEqual([42]);
  });

  it('waits a quarter of an hour when SES says the quota is spent, five minutes when it refuses the account', async () => {
    const spent = await workPublicMail(
      portsWith(refusing(new DailyQuotaExceededError('spent'))),
      settings,
      welcome,
      now,
    );
    const refused = await workPublicMail(
      portsWith(refusing(new AccountRefusedError('paused'))),
      settings,
      welcome,
      now,
    );
    expect(spent).toMatchObject({ kind: 'waiting', delaySeconds: 900, accountRefused: false });
    expect(refused).toMatchObject({ kind: 'waiting', delaySeconds: 300, accountRefused: true });
    expect(queue.delays).toEqual([900, 300]);
  });

  it('is given up after about a day of waiting, and not queued again', async () => {
    const mailer = refusing(new DailyQuotaExceededError('spent'));
    const result = await workPublicMail(portsWith(mailer), settings, { ...welcome, waited: MAX_WAITS }, now);
    expect(result).toEqual({ kind: 'given-up', reason: 'spent' });
    expect(queue.jobs).toEqual([]);
  });

  it('is dropped when SES will never take its address', async () => {
    const result = await workPublicMail(
      portsWith(refusing(new RecipientRejectedError('bad'))),
      settings,
      welcome,
      now,
    );
    expect(result).toEqual({ kind: 'rejected' });
    expect(queue.jobs).toEqual([]);
  });

  it('throws an infrastructure fault, for the queue to retry', async () => {
    const result = workPublicMail(portsWith(refusing(new Error('socket hang up'))), settings, welcome, now);
    await expect(result).rejects.toThrow('socket hang up');
    expect(queue.jobs).toEqual([]);
  });
});

describe("the public's mailer", () => {
  const mail = {
    from: 'news@example.org',
    to: 'ana@example.org',
    subject: 'Hello',
    html: '<p>Hi</p>',
    text: 'Hi',
    headers: [],
  };
  const quota = { reserve: async (count: number) => ({ granted: count, retryAfterSeconds: 0 }) };
  const pace = { take: async () => undefined };
  /** A mailer that fails with `errors`, one per call, then sends. */
  const failingFirst = (...errors: Error[]) => {
    const calls: string[] = [];
    const inner: Mailer = {
      send: async (sent) => {
        calls.push(sent.to);
        const error = errors.shift();
        if (error) throw error;
        return { messageId: `m-${calls.length}` };
      },
    };
    return { inner, calls };
  };

  it('retries a dropped connection and throttling on the spot, under its pace', async () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { name: 'TimeoutError' });
    const { inner, calls } = failingFirst(reset, new SendThrottledError('Maximum sending rate exceeded.'));
    const mailer = new PacedQuotaMailer(inner, pace, quota, async () => undefined);
    expect(await mailer.send(mail)).toEqual({ messageId: 'm-3' });
    expect(calls).toHaveLength(3);
  });

  it('never retries a refusal by kind: the address, the quota, the account', async () => {
    for (const refusal of [
      new RecipientRejectedError('bad'),
      new DailyQuotaExceededError('spent'),
      new AccountRefusedError('paused'),
    ]) {
      const { inner, calls } = failingFirst(refusal);
      const mailer = new PacedQuotaMailer(inner, pace, quota, async () => undefined);
      await expect(mailer.send(mail)).rejects.toBe(refusal);
      expect(calls).toHaveLength(1);
    }
  });
});
