import { FileTemplateSource } from '#adapters/fs-templates.ts';
import type { SendQueue } from '#core/delivery/ports.ts';

import {
  MemoryLedger,
  MemoryReceipts,
  MemorySendingSwitch,
  MemorySendQueue,
  MemorySendQuota,
  noPace,
  RecordingMailer,
} from './delivery.ts';
import { MemoryDigestStore } from './digests.ts';
import { MemoryArticleStore, MemoryBucket } from './documents.ts';
import { MemorySubscriberStore, MemorySuppressionList } from './subscriptions.ts';

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
