import { beforeEach, describe, expect, it } from 'vitest';
import { type DeliveryDeferral, type DeliveryPorts, deliverSendJob } from '#core/delivery/deliver.ts';
import { BulkSize } from '#core/delivery/pace.ts';
import type { SendQueue } from '#core/delivery/ports.ts';
import { planDigest, requeueUnsent } from '#core/digests/plan.ts';
import { publishImmediateDigests } from '#core/digests/publish.ts';
import { digestProgress, missedRecipients } from '#core/digests/status.ts';
import type { Mailer, OutgoingMail } from '#core/mail/ports.ts';
import { versionFromFixture } from '../../support/articles.ts';
import { bulkOf, type MemorySendQueue } from '../../support/fakes/delivery.ts';
import { memoryHerald } from '../../support/fakes/herald.ts';
import { subscriber } from '../../support/fakes/subscriptions.ts';
import { TEST_ADDRESS_KEY, testTokenKeys } from '../../support/fixtures.ts';

const tokenKeys = testTokenKeys();
const addressKey = TEST_ADDRESS_KEY;
const settings = {
  from: 'news@example.org',
  publicBaseUrl: 'https://news.example.org/',
  tokenKeys,
  addressKey,
  sendLeaseMs: 60_000,
};
const render = { publisher: 'Press Office', publicBaseUrl: settings.publicBaseUrl };
let clock = new Date('2026-11-20T10:00:00Z').getTime();
const now = () => new Date(clock);

let herald: ReturnType<typeof memoryHerald>;
let queue: MemorySendQueue;
const readers = Array.from({ length: 120 }, (_, i) => `reader${String(i).padStart(3, '0')}@example.org`);

const publishPorts = (sendQueue: SendQueue = queue) => herald.publishPorts(sendQueue);

async function publish(options: { requireApproval?: boolean } = {}) {
  const version = versionFromFixture('en-state-visit.txt');
  await herald.articles.putVersion(version);
  const [planned] = await publishImmediateDigests(
    publishPorts(),
    { ...render, ...options },
    [version],
    now(),
  );
  return planned!;
}

/**
 * Runs the jobs on the queue once, as the sender does; a deferred job has put its rest back on the queue
 * itself, for the next drain (the clock does not move on its own here).
 */
async function drain(ports: DeliveryPorts = herald.deliveryPorts) {
  const deferred: DeliveryDeferral[] = [];
  for (const job of queue.jobs.splice(0)) {
    const outcome = await deliverSendJob(ports, settings, job, now);
    if (outcome.kind === 'deferred') deferred.push(outcome);
  }
  return deferred;
}

const mailsPerReader = () => {
  const counts = new Map<string, number>();
  for (const mail of herald.mailer.sent) counts.set(mail.to, (counts.get(mail.to) ?? 0) + 1);
  return counts;
};

const progress = async (digestId: string) =>
  digestProgress(herald, (await herald.digests.getRecord(digestId))!, now());

beforeEach(async () => {
  herald = memoryHerald();
  queue = herald.sendQueue;
  for (const email of readers) await herald.subscribers.put(subscriber(email, 'en'));
});

describe('the planner', () => {
  it('queues jobs of at most 50 and a pending ledger row for every reader', async () => {
    const planned = await publish();
    expect(planned.recipients).toBe(readers.length);
    expect(queue.jobs.every((job) => job.subscriberIds.length <= 50)).toBe(true);
    expect(await progress(planned.digestId)).toMatchObject({ status: 'planned', total: 120, pending: 120 });
  });

  it('that dies mid-way resumes from its cursor: nobody skipped, nobody mailed twice', async () => {
    const planned = await publish({ requireApproval: true });
    await herald.digests.setApproval(planned.digestId, 'approved', now());
    // The first planner dies while queueing its third page (after the ledger rows, before the cursor moved).
    let pages = 0;
    const dying: SendQueue = {
      enqueue: async (jobs) => {
        await queue.enqueue(jobs);
        if (++pages === 3) throw new Error('the planner died');
      },
    };
    await expect(
      planDigest(publishPorts(dying), render, planned.digestId, now, { owner: 'first', pageSize: 30 }),
    ).rejects.toThrow('the planner died');
    const record = await herald.digests.getRecord(planned.digestId);
    expect(record).toMatchObject({ planComplete: false, planned: 60 });
    // Part of what was queued is sent before the planner comes back.
    await deliverSendJob(herald.deliveryPorts, settings, queue.jobs.shift()!, now);

    clock += 600_000; // the dead planner's lease runs out
    const result = await planDigest(publishPorts(), render, record!.id, now, {
      owner: 'second',
      pageSize: 30,
    });
    expect(result).toMatchObject({ outcome: 'complete', planned: readers.length });
    await drain();
    const counts = mailsPerReader();
    expect(readers.filter((r) => counts.get(r) !== 1)).toEqual([]);
    expect(await progress(record!.id)).toMatchObject({ status: 'done', total: 120, sent: 120, pending: 0 });
  });
});

describe('the send ledger', () => {
  it('every job delivered twice still mails each reader once', async () => {
    await publish();
    queue.jobs.push(...queue.jobs.map((job) => ({ ...job })));
    await drain();
    expect([...mailsPerReader().values()].every((n) => n === 1)).toBe(true);
    expect(mailsPerReader().size).toBe(readers.length);
  });

  it('a send a dead sender had in flight waits for its lease, then goes once more, and the ledger says so', async () => {
    const planned = await publish();
    const job = queue.jobs[0]!;
    // A sender claimed the first reader and died before marking it.
    await herald.ledger.claim(planned.digestId, job.subscriberIds[0]!, settings.sendLeaseMs, now());
    const deferred = await drain();
    expect(deferred).toMatchObject([{ reason: 'in-flight', remaining: [job.subscriberIds[0]] }]);
    expect(deferred.at(-1)!.delaySeconds).toBeGreaterThanOrEqual(60);
    expect(mailsPerReader().size).toBe(readers.length - 1);

    clock += 61_000;
    await drain();
    expect(mailsPerReader().size).toBe(readers.length);
    expect(await progress(planned.digestId)).toMatchObject({ status: 'done', sent: 120, inFlightAtCrash: 1 });
  });
});

describe('the lease of a job', () => {
  it('lets one sender at a time work a job: the same job run at once by two mails each reader once', async () => {
    await publish();
    const job = queue.jobs[0]!;
    queue.jobs.splice(0);
    const [first, second] = await Promise.all([
      deliverSendJob(herald.deliveryPorts, settings, job, now),
      deliverSendJob(herald.deliveryPorts, settings, { ...job }, now),
    ]);
    // One sent everyone; the other found the job held and put it back, to look again after the lease.
    expect([first, second].map((o) => o.report.sent).sort((a, b) => a - b)).toEqual([
      0,
      job.subscriberIds.length,
    ]);
    expect([first, second].find((o) => o.report.sent === 0)).toMatchObject({
      kind: 'deferred',
      reason: 'in-flight',
    });
    expect(queue.jobs).toEqual([job]);
    clock += 61_000;
    expect(await deliverSendJob(herald.deliveryPorts, settings, queue.jobs.shift()!, now)).toEqual({
      kind: 'done',
      report: { sent: 0, skipped: 0, failed: 0 },
    });
    expect([...mailsPerReader().values()].every((n) => n === 1)).toBe(true);
    expect(mailsPerReader().size).toBe(job.subscriberIds.length);
  });

  it('queues a handed-on rest again when its sender died before the queue had it, and nobody gets it twice', async () => {
    await publish();
    const job = queue.jobs[0]!;
    queue.jobs.splice(0);
    // A sender that sends five, hands the rest on (quota), and dies before the rest reaches the queue.
    herald.quota.limit = 5;
    const lostQueue = { enqueue: async () => Promise.reject(new Error('the sender died here')) };
    await expect(
      deliverSendJob({ ...herald.deliveryPorts, sendQueue: lostQueue }, settings, job, now),
    ).rejects.toThrow('the sender died here');
    // The queue delivers the job again: its rest is queued once more, as the next generation.
    herald.quota.limit = Number.POSITIVE_INFINITY;
    expect(await deliverSendJob(herald.deliveryPorts, settings, job, now)).toMatchObject({ kind: 'done' });
    expect(queue.jobs).toEqual([{ ...job, subscriberIds: job.subscriberIds.slice(5), generation: 1 }]);
    await drain();
    expect([...mailsPerReader().values()].every((n) => n === 1)).toBe(true);
    expect(mailsPerReader().size).toBe(job.subscriberIds.length);
  });

  it('is taken over once its sender died: only its window in flight goes again, and the ledger says who', async () => {
    const planned = await publish();
    const job = queue.jobs[0]!;
    queue.jobs.splice(0);
    // A sender that dies during its 31st send: the call never returns, nothing after it runs.
    let sends = 0;
    const dying: Mailer = {
      send: (mail: OutgoingMail) => (++sends <= 30 ? herald.mailer.send(mail) : new Promise(() => undefined)),
    };
    void deliverSendJob({ ...herald.deliveryPorts, mailer: bulkOf(dying) }, settings, job, now);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(herald.mailer.sent).toHaveLength(30);

    // The queue delivers the job again after its visibility timeout: the lease has run out by then.
    clock += 61_000;
    expect(await deliverSendJob(herald.deliveryPorts, settings, job, now)).toMatchObject({ kind: 'done' });
    const counts = mailsPerReader();
    const twice = [...counts].filter(([, n]) => n === 2).map(([to]) => to);
    // The first window was marked sent before the second was claimed; of the second, five had gone out.
    expect(twice).toHaveLength(5);
    expect(counts.size).toBe(job.subscriberIds.length);
    const state = await progress(planned.digestId);
    expect(state).toMatchObject({ inFlightAtCrash: 25 });
  });
});

describe('a job that outlives its lease', () => {
  it('keeps its lease while it works: a second copy of the job finds it held and mails no one', async () => {
    await publish();
    const job = queue.jobs[0]!;
    queue.jobs.splice(0);
    let sends = 0;
    let second: Promise<unknown> | undefined;
    // A slow sender: one reader a call (as at a low share of the rate), three seconds a call, so 50 calls
    // take more than twice its 60-second lease; the queue hands the job to a second sender in the middle of it.
    const slow: Mailer = {
      send: async (mail: OutgoingMail) => {
        clock += 3_000;
        if (++sends === 22) second = deliverSendJob(herald.deliveryPorts, settings, job, now);
        return herald.mailer.send(mail);
      },
    };
    const first = await deliverSendJob(
      { ...herald.deliveryPorts, mailer: bulkOf(slow), bulk: new BulkSize(1) },
      settings,
      job,
      now,
    );
    expect(first).toMatchObject({ kind: 'done', report: { sent: 50 } });
    expect(await second).toMatchObject({ kind: 'deferred', reason: 'in-flight', report: { sent: 0 } });
    expect([...mailsPerReader().values()].every((n) => n === 1)).toBe(true);
  });

  it('sends nothing more once it stalled past its lease and another sender took over: only its unmarked sends go twice', async () => {
    await publish();
    const job = queue.jobs[0]!;
    queue.jobs.splice(0);
    let sends = 0;
    // One reader a call; the 21st call stalls for longer than the lease; meanwhile the queue hands the
    // job to a second sender, which takes the lease over and does the job.
    const stalling: Mailer = {
      send: async (mail: OutgoingMail) => {
        clock += 1_000;
        if (++sends === 21) {
          clock += 61_000;
          await deliverSendJob(herald.deliveryPorts, settings, job, now);
        }
        return herald.mailer.send(mail);
      },
    };
    const first = await deliverSendJob(
      { ...herald.deliveryPorts, mailer: bulkOf(stalling), bulk: new BulkSize(1) },
      settings,
      job,
      now,
    );
    // It came back from the stalled send, found its lease taken over, and sent nothing more.
    expect(first).toMatchObject({ kind: 'done', report: { sent: 21 } });
    const counts = mailsPerReader();
    const ids = new Map(readers.map((email) => [subscriber(email, 'en').id, email]));
    const mailsOf = (id: string) => counts.get(ids.get(id)!) ?? 0;
    // Its sends not yet marked (marks go 25 at a time, or after a second) were taken over by the second
    // sender and went twice; everyone after them was mailed once, by the second sender alone.
    const early = job.subscriberIds.slice(0, 21).map(mailsOf);
    expect(early.every((n) => n === 1 || n === 2)).toBe(true);
    expect(job.subscriberIds.slice(21).map(mailsOf)).toEqual(Array(job.subscriberIds.length - 21).fill(1));
  });
});

describe('an operator', () => {
  it('queues again everyone not mailed yet when the queue lost its jobs, each in their own variant', async () => {
    await herald.subscribers.put(subscriber('picky@example.org', 'en', { topics: ['no-such-topic-x'] }));
    const version = versionFromFixture('en-state-visit.txt', { topics: ['visits'] });
    await herald.articles.putVersion(version);
    const other = versionFromFixture('en-state-visit.txt', {
      articleId: 'en-other',
      sourceKey: 'documents/en-other.txt',
      contentHash: 'f'.repeat(64),
      topics: ['no-such-topic-x'],
    });
    await herald.articles.putVersion(other);
    const [planned] = await publishImmediateDigests(publishPorts(), render, [version, other], now());
    const first = queue.jobs.findIndex((job) => !job.render);
    await deliverSendJob(herald.deliveryPorts, settings, queue.jobs.splice(first, 1)[0]!, now);
    const narrowed = queue.jobs.find((job) => job.render)!;
    queue.jobs.length = 0; // the queue lost everything else

    const queued = await requeueUnsent({ ledger: herald.ledger, sendQueue: queue }, planned!.digestId);
    expect(queued).toBe(readers.length + 1 - 50);
    expect(queue.jobs.find((job) => job.subscriberIds.includes(narrowed.subscriberIds[0]!))?.render).toBe(
      narrowed.render,
    );
    await drain();
    expect(mailsPerReader().size).toBe(readers.length + 1);
    expect([...mailsPerReader().values()].every((n) => n === 1)).toBe(true);
    expect(herald.mailer.sent.find((m) => m.to === 'picky@example.org')!.subject).toBe(other.title);
  });

  it('pauses a digest: its jobs wait and come back; resumed, everyone gets it once', async () => {
    const planned = await publish();
    await deliverSendJob(herald.deliveryPorts, settings, queue.jobs.shift()!, now);
    await herald.digests.setControl(planned.digestId, 'paused', 'checking a typo', now());
    const deferred = await drain();
    expect(deferred[0]).toMatchObject({ reason: 'paused' });
    expect(herald.mailer.sent).toHaveLength(50);
    expect(await progress(planned.digestId)).toMatchObject({
      status: 'paused',
      reason: 'checking a typo',
      sent: 50,
    });

    await herald.digests.setControl(planned.digestId, 'run', undefined, now());
    await drain();
    expect(mailsPerReader().size).toBe(readers.length);
    expect(await progress(planned.digestId)).toMatchObject({ status: 'done', sent: 120 });
  });

  it('cancels a digest: nobody else is mailed, and --missed says why', async () => {
    const planned = await publish();
    await deliverSendJob(herald.deliveryPorts, settings, queue.jobs.shift()!, now);
    await herald.digests.setControl(planned.digestId, 'cancelled', 'sent by mistake', now());
    await drain();
    expect(herald.mailer.sent).toHaveLength(50);
    expect(await progress(planned.digestId)).toMatchObject({ status: 'cancelled', sent: 50, suppressed: 70 });
    const missed = await missedRecipients(herald, planned.digestId);
    expect(missed).toHaveLength(70);
    expect(missed[0]).toMatchObject({ why: 'the digest was cancelled' });
  });

  it('switches all sending off, and on again', async () => {
    const planned = await publish();
    await herald.sending.set(false, 'incident', now());
    expect(await drain()).toMatchObject([{ reason: 'paused' }, { reason: 'paused' }, { reason: 'paused' }]);
    expect(herald.mailer.sent).toHaveLength(0);
    expect(await progress(planned.digestId)).toMatchObject({
      status: 'paused',
      reason: expect.stringContaining('incident'),
    });
    await herald.sending.set(true, undefined, now());
    await drain();
    expect(mailsPerReader().size).toBe(readers.length);
  });

  it('in approval mode, a digest waits unplanned until approved', async () => {
    const planned = await publish({ requireApproval: true });
    expect(planned).toMatchObject({ awaitingApproval: true, recipients: 0 });
    expect(queue.jobs).toHaveLength(0);
    expect(await progress(planned.digestId)).toMatchObject({
      status: 'planned',
      reason: 'awaiting approval',
    });

    await herald.digests.setApproval(planned.digestId, 'approved', now());
    await planDigest(publishPorts(), render, planned.digestId, now, { owner: 'operator' });
    await drain();
    expect(mailsPerReader().size).toBe(readers.length);
  });
});

describe('failures', () => {
  it('too many recipients failing in a row pause the digest by itself', async () => {
    const planned = await publish();
    const broken: Mailer = {
      send: async (_mail: OutgoingMail) => {
        throw new Error('connection reset');
      },
    };
    const ports = { ...herald.deliveryPorts, mailer: bulkOf(broken) };
    const deferred = await drain(ports);
    expect(deferred.at(-1)).toMatchObject({ reason: 'paused' });
    const record = await herald.digests.getRecord(planned.digestId);
    // Counted after each SES call: the call in which the streak reached 20 (its 25 readers) pauses it.
    expect(record).toMatchObject({ control: 'paused', controlReason: '25 recipients failed in a row' });
    expect(await progress(planned.digestId)).toMatchObject({ status: 'paused', sent: 0 });
  });

  it('the daily quota: sends stop at it, and go on when the window frees', async () => {
    const planned = await publish();
    herald.quota.limit = 70;
    const deferred = await drain();
    expect(herald.mailer.sent).toHaveLength(70);
    expect(deferred.at(-1)).toMatchObject({ reason: 'quota', delaySeconds: 60 });
    expect(await progress(planned.digestId)).toMatchObject({ status: 'paused', sent: 70, pending: 50 });
    herald.quota.limit = 200; // the window moved on
    await drain();
    expect(mailsPerReader().size).toBe(readers.length);
  });
});
