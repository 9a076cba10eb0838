import { beforeEach, describe, expect, it } from 'vitest';
import { classifySesError } from '#adapters/ses-mailer.ts';
import { bulkSizeFor, CEILING_SLACK_MS, senderPace } from '#core/delivery/account-share.ts';
import { type DeliveryDeferral, deliverSendJob } from '#core/delivery/deliver.ts';
import { BulkSize, PACE_TICK_MS, SendCeiling, SendPace } from '#core/delivery/pace.ts';
import {
  AccountRefusedError,
  DailyQuotaExceededError,
  RecipientRejectedError,
  SendThrottledError,
} from '#core/delivery/send-errors.ts';
import { publishImmediateDigests } from '#core/digests/publish.ts';
import type { OutgoingMail } from '#core/mail/ports.ts';
import { addressHash } from '#core/subscriptions/address-hash.ts';
import { versionFromFixture } from '../../support/articles.ts';
import { type MemorySendQueue, RecordingMailer } from '../../support/fakes/delivery.ts';
import { memoryHerald } from '../../support/fakes/herald.ts';
import { subscriber } from '../../support/fakes/subscriptions.ts';
import { busiestWindow } from '../../support/fault-proxy.ts';
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
const now = () => new Date('2026-11-20T10:00:00Z');

/** The most a pace of 50/s may put in a second: its slots, each moved by up to one tick, and one. */
const PACE_MOST_PER_SECOND_AT_50 = Math.floor(50 * (1 + PACE_TICK_MS / 1000)) + 1;

/** The most calls at `times` (sorted) in any sliding window of `windowMs`. */
function busiest(times: readonly number[], windowMs: number): number {
  let worst = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    worst = Math.max(worst, i - j + 1);
  }
  return worst;
}

/**
 * Timers on a virtual clock. Once, at the first timer due after `stallAt`, the event loop stalls for
 * `stallMs`: every timer due by then fires together, late.
 */
function virtualTimers({ stallAt, stallMs }: { stallAt: number; stallMs: number }) {
  let now = 0;
  let stalled = false;
  const due: Array<{ at: number; resolve: () => void }> = [];
  return {
    clock: () => now,
    sleep: (ms: number) => new Promise<void>((resolve) => due.push({ at: now + ms, resolve })),
    get stalled() {
      return stalled;
    },
    async runWhile(busy: () => boolean) {
      while (busy()) {
        await new Promise((resolve) => setImmediate(resolve));
        if (due.length === 0) continue;
        due.sort((a, b) => a.at - b.at);
        let until = due[0]!.at;
        if (!stalled && until > stallAt) {
          stalled = true;
          until += stallMs;
        }
        now = Math.max(now, until);
        const firing = due.filter((timer) => timer.at <= now);
        due.splice(0, firing.length);
        for (const timer of firing) timer.resolve();
      }
    },
  };
}

/** A mailer that refuses some calls the way SES does, before they "reach" it. */
class FaultyMailer extends RecordingMailer {
  sends = 0;
  constructor(private readonly fault: (call: number, mail: OutgoingMail) => Error | undefined) {
    super();
  }
  override async send(mail: OutgoingMail) {
    const error = this.fault(++this.sends, mail);
    if (error) throw error;
    return super.send(mail);
  }
}

let herald: ReturnType<typeof memoryHerald>;
let digests: ReturnType<typeof memoryHerald>['digests'];
let suppressions: ReturnType<typeof memoryHerald>['suppressions'];
let queue: MemorySendQueue;
const emails = Array.from({ length: 60 }, (_, i) => `reader${i}@example.org`);

beforeEach(async () => {
  herald = memoryHerald();
  ({ digests, suppressions } = herald);
  queue = herald.sendQueue;
  for (const email of emails) await herald.subscribers.put(subscriber(email, 'en'));
  await publishImmediateDigests(
    herald.publishPorts(queue),
    { publisher: 'Press Office', publicBaseUrl: settings.publicBaseUrl },
    [versionFromFixture('en-state-visit.txt')],
    now(),
  );
});

/** The sender's ports around a mailer (no pacing, no real waiting between retries). */
const portsWith = (mailer: RecordingMailer) => ({ ...herald.deliveryPorts, mailer });

/** Runs the queue to the end as the sender does: a deferred job puts its rest back on the queue itself. */
async function drain(mailer: RecordingMailer) {
  const deferred: DeliveryDeferral[] = [];
  const ports = portsWith(mailer);
  for (let guard = 0; queue.jobs.length > 0 && guard < 1000; guard++) {
    const outcome = await deliverSendJob(ports, settings, queue.jobs.shift()!, now);
    if (outcome.kind === 'deferred') deferred.push(outcome);
  }
  return deferred;
}

describe('SES errors, by kind', () => {
  it('throttling on 30 % of calls: every reader gets exactly one mail', async () => {
    const mailer = new FaultyMailer((call) =>
      call % 10 < 3 ? new SendThrottledError('Maximum sending rate exceeded.') : undefined,
    );
    await drain(mailer);
    expect(mailer.sent.map((m) => m.to).sort()).toEqual([...emails].sort());
  });

  it('throttling that does not let up defers the rest of the job instead of failing it', async () => {
    let throttling = true;
    const mailer = new FaultyMailer(() =>
      throttling ? new SendThrottledError('Maximum sending rate exceeded.') : undefined,
    );
    const job = queue.jobs.shift()!;
    const ports = portsWith(mailer);
    const deferral = await deliverSendJob(ports, settings, job, now);
    expect(deferral).toMatchObject({ kind: 'deferred', reason: 'throttled', remaining: job.subscriberIds });
    if (deferral.kind !== 'deferred') return;
    expect(deferral.delaySeconds).toBeGreaterThanOrEqual(20);
    // The rest went back on the send queue as the job's next generation, delayed as the outcome says.
    expect(queue.jobs.at(-1)).toEqual({ ...job, subscriberIds: job.subscriberIds, generation: 1 });
    expect(queue.delays.at(-1)).toBe(deferral.delaySeconds);
    throttling = false;
    await deliverSendJob(ports, settings, queue.jobs.pop()!, now);
    expect(mailer.sent).toHaveLength(job.subscriberIds.length);
  });

  it('a used-up daily quota pauses the job for the window, mailing and suppressing no one more', async () => {
    const mailer = new FaultyMailer((call) =>
      call > 5 ? new DailyQuotaExceededError('Daily message quota exceeded.') : undefined,
    );
    const job = queue.jobs.shift()!;
    const ports = portsWith(mailer);
    const deferral = await deliverSendJob(ports, settings, job, now);
    expect(deferral).toMatchObject({
      kind: 'deferred',
      reason: 'quota',
      delaySeconds: 900,
      remaining: job.subscriberIds.slice(5),
    });
    expect(mailer.sent).toHaveLength(5);
    expect(suppressions.hashes.size).toBe(0);
  });

  it('an account-level refusal pauses too, and never suppresses the recipient', async () => {
    const mailer = new FaultyMailer(
      () => new AccountRefusedError('MessageRejected: Email address is not verified.'),
    );
    const job = queue.jobs.shift()!;
    const ports = portsWith(mailer);
    expect(await deliverSendJob(ports, settings, job, now)).toMatchObject({
      kind: 'deferred',
      reason: 'account',
    });
    expect(suppressions.hashes.size).toBe(0);
    expect(await digests.getRecord(job.digestId)).toMatchObject({
      control: 'paused',
      controlReason: expect.stringContaining('not verified'),
    });
  });

  it('a rejected address is marked failed and suppressed, and the others are sent', async () => {
    const mailer = new FaultyMailer((_call, mail) =>
      mail.to === 'reader3@example.org'
        ? new RecipientRejectedError('MessageRejected: invalid address')
        : undefined,
    );
    const deferred = await drain(mailer);
    expect(deferred).toEqual([]);
    expect(mailer.sent).toHaveLength(emails.length - 1);
    expect(suppressions.hashes.has(addressHash(addressKey, 'reader3@example.org'))).toBe(true);
  });
});

describe('reading SES v2 errors', () => {
  const sdkError = (name: string, message: string, status = 400) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
  it.each([
    [sdkError('TooManyRequestsException', 'Maximum sending rate exceeded.', 429), SendThrottledError],
    [sdkError('LimitExceededException', 'Daily message quota exceeded.'), DailyQuotaExceededError],
    [sdkError('SendingPausedException', 'Sending is paused for this account.'), AccountRefusedError],
    [sdkError('AccountSuspendedException', 'The account is suspended.'), AccountRefusedError],
    [
      sdkError(
        'MessageRejected',
        'Email address is not verified. The following identities failed the check: x@example.org',
      ),
      AccountRefusedError,
    ],
    [sdkError('NotFoundException', 'Configuration set herald does not exist.', 404), AccountRefusedError],
  ])('%s', (error, kind) => {
    expect(classifySesError(error)).toBeInstanceOf(kind);
  });

  it.each([
    ['BadRequestException', 'Illegal address'],
    ['MessageRejected', 'Illegal address'],
    ['BadRequestException', "Missing final '@domain'"],
    ['BadRequestException', 'Domain contains control or whitespace'],
    ['InvalidParameterValue', 'Local address contains control or whitespace'],
  ])('%s "%s" blames the reader only once SES has taken the same From before', (name, message) => {
    expect(classifySesError(sdkError(name, message))).toBeInstanceOf(AccountRefusedError);
    expect(classifySesError(sdkError(name, message), { fromProven: true })).toBeInstanceOf(
      RecipientRejectedError,
    );
  });

  it.each([
    ['MessageRejected', 'Message length is more than 10485760 bytes long.'],
    ['BadRequestException', 'Duplicate header Message-ID.'],
    ['BadRequestException', 'Invalid From address: the display name must be encoded.'],
    [
      'MessageRejected',
      'Email address is not verified. The following identities failed the check: reader@example.org',
    ],
  ])('%s "%s" is about Herald or the account, never the reader, whatever went before', (name, message) => {
    for (const fromProven of [false, true])
      expect(classifySesError(sdkError(name, message), { fromProven })).toBeInstanceOf(AccountRefusedError);
  });

  it('leaves anything else as it is (a transient error, retried)', () => {
    const error = new Error('socket hang up');
    expect(classifySesError(error)).toBe(error);
  });
});

describe('the send pace', () => {
  it('never lets more than the rate through in any sliding second', async () => {
    let clock = 0;
    const pace = new SendPace(50, {
      clock: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      await pace.take();
      times.push(clock);
      clock += Math.random() * 5;
    }
    expect(busiest(times, 1000)).toBeLessThanOrEqual(PACE_MOST_PER_SECOND_AT_50);
    expect(times.at(-1)! / 1000).toBeGreaterThan(9.5);
  });

  it('holds to the rate when a stalled event loop wakes many callers late and at once', async () => {
    const timers = virtualTimers({ stallAt: 2000, stallMs: 400 });
    const pace = new SendPace(50, { clock: timers.clock, sleep: timers.sleep });
    const times = await twentyCallers(pace, timers);
    expect(times).toHaveLength(500);
    expect(busiest(times, 1000)).toBeLessThanOrEqual(PACE_MOST_PER_SECOND_AT_50);
  });

  // Shares as the sender computes them (the account's rate over the senders that may run at once), whole
  // or not, paced as the sender paces them: no trailing second above the share, stalled event loop or not.
  it.each([50, 52.6, 20.5, 14.5])(
    'never puts more than an SES share of %s/s in any second',
    async (share) => {
      const timers = virtualTimers({ stallAt: 2000, stallMs: 400 });
      const { ratePerSecond, ceilingPerSecond } = senderPace(share);
      const pace = new SendPace(ratePerSecond, {
        ceilingPerSecond,
        clock: timers.clock,
        sleep: timers.sleep,
      });
      const times = await twentyCallers(pace, timers);
      expect(times).toHaveLength(500);
      expect(busiest(times, 1000)).toBeLessThanOrEqual(Math.floor(share));
      // Still at the pace over the whole run: the ceiling holds back bunches, not the steady rate.
      expect(500 / (times.at(-1)! / 1000)).toBeGreaterThan(ratePerSecond * 0.9);
    },
  );

  it('wakes callers waiting at once together, on ticks, each no earlier than its slot', async () => {
    const clock = 1000;
    const wakes: number[] = [];
    const pace = new SendPace(200, {
      clock: () => clock,
      sleep: async (ms) => {
        wakes.push(clock + ms);
      },
      tickMs: 50,
    });
    const slots = Array.from({ length: 20 }, (_, i) => 1000 + i * 5);
    await Promise.all(slots.map(() => pace.take()));
    // The first slot is now: it goes at once; the 19 slots from 1005 to 1095 ms wake on the two ticks
    // after them, not on 19 timers.
    expect(wakes).toHaveLength(19);
    expect([...new Set(wakes)]).toEqual([1050, 1100]);
    for (const [i, wake] of wakes.entries()) {
      expect(wake).toBeGreaterThanOrEqual(slots[i + 1]!);
      expect(wake - slots[i + 1]!).toBeLessThan(50);
    }
  });
});

describe('the late ceiling, where SES counts the calls', () => {
  /**
   * Twenty jobs at once take the pace, then pass the late ceiling as each call leaves the SDK; each call
   * then reaches SES after a random delay of up to `transitMs` (a connection opened, a busy process, the
   * network), SES answers 5 ms later, and the call is settled then; the event loop stalls once for
   * `stallMs`. `bulk` mails a call. When each mail arrived.
   */
  async function arrivals(
    share: number,
    calls: number,
    { stallMs = 400, transitMs = 100, bulk = 1 } = {},
  ): Promise<number[]> {
    const timers = virtualTimers({ stallAt: 2000, stallMs });
    const { ratePerSecond, ceilingPerSecond, late } = senderPace(share);
    const clockAndSleep = { clock: timers.clock, sleep: timers.sleep };
    const pace = new SendPace(ratePerSecond, { ceilingPerSecond, ...clockAndSleep });
    const ceiling = new SendCeiling(late.most, late.windowMs, {
      ...clockAndSleep,
      settles: true,
      warm: true,
    });
    const at: number[] = [];
    let finished = 0;
    for (let caller = 0; caller < 20; caller++)
      void (async () => {
        for (let i = 0; i < calls / 20; i++) {
          await pace.take(bulk);
          const settle = await ceiling.pass(bulk);
          const transit = Math.random() * transitMs;
          for (let mail = 0; mail < bulk; mail++) at.push(timers.clock() + transit);
          await timers.sleep(transit + 5);
          settle();
        }
        finished++;
      })();
    await timers.runWhile(() => finished < 20);
    return at.sort((a, b) => a - b);
  }

  it.each([198, 52.6, 20.5, 14.5, 0.5])(
    'never lets more than a share of %s/s reach SES in any second, however long the calls take to get there',
    async (share) => {
      const at = await arrivals(share, share < 1 ? 20 : 2000);
      expect(busiestWindow(at, 1000)).toBeLessThanOrEqual(Math.max(1, Math.floor(share)));
      if (share < 1) expect(busiestWindow(at, 1000 / share)).toBe(1);
    },
  );

  it('holds a share of 198/s with bulk calls of 22, up to 300 ms on the way', async () => {
    const at = await arrivals(198, 400, { bulk: 22, transitMs: 300 });
    expect(busiestWindow(at, 1000)).toBeLessThanOrEqual(198);
  });

  it('is no ceiling at all for a benchmark\'s "no limit" (a million a second): nothing waits, nothing is kept', async () => {
    const ceiling = new SendCeiling(1_000_000, 1020, {
      clock: () => 0,
      sleep: () => Promise.reject(new Error('waited')),
    });
    for (let i = 0; i < 1000; i++) await ceiling.pass();
    expect((ceiling as unknown as { recent: unknown[] }).recent).toHaveLength(0);
  });

  // A stall is time lost for good (catching up would go above the rate); without one, the pace and the
  // ceiling leave unused only the slack and the calls' round trips.
  it('still uses the share, less only the slack and a round trip, over a run without stalls', async () => {
    const at = await arrivals(198, 4000, { stallMs: 0, transitMs: 10 });
    const rate = (at.length - 1) / ((at.at(-1)! - at[0]!) / 1000);
    // The most the ceiling lets through: 198 in every second, its slack and a round trip (up to 15 ms).
    const most = (198 * 1000) / (1000 + CEILING_SLACK_MS + 15);
    expect(rate).toBeGreaterThanOrEqual(0.99 * most);
    expect(rate).toBeLessThanOrEqual(198);
  });
});

/** Twenty callers at once, as twenty jobs in flight, taking 25 slots each; their send times, in order. */
async function twentyCallers(pace: SendPace, timers: ReturnType<typeof virtualTimers>): Promise<number[]> {
  const times: number[] = [];
  let finished = 0;
  for (let caller = 0; caller < 20; caller++)
    void (async () => {
      for (let i = 0; i < 25; i++) {
        await pace.take();
        times.push(timers.clock());
      }
      finished++;
    })();
  await timers.runWhile(() => finished < 20);
  expect(timers.stalled).toBe(true);
  return times;
}

describe('bulk calls', () => {
  it("a job's readers go to SES a window at a time: one call for 25 readers, each with their own links", async () => {
    const mailer = new RecordingMailer();
    await drain(mailer);
    expect(mailer.bulkCalls).toEqual([25, 25, 10]);
    const unsubscribeLinks = new Set(
      mailer.sent.map((m) => m.headers.find((h) => h.name === 'List-Unsubscribe')?.value),
    );
    expect(unsubscribeLinks.size).toBe(emails.length);
    for (const mail of mailer.sent) {
      const link = mail.headers.find((h) => h.name === 'List-Unsubscribe')!.value.slice(1, -1);
      expect(mail.html).toContain(link);
      expect(mail.text).toContain(link);
    }
  });

  it('a throttled call is tried again in smaller calls, and everyone is mailed once', async () => {
    // SES throttles the first call whole (each of its 25 readers), then takes what comes.
    const mailer = new FaultyMailer((call) =>
      call <= 25 ? new SendThrottledError('Maximum sending rate exceeded.') : undefined,
    );
    const bulk = new BulkSize(25);
    const ports = { ...portsWith(mailer), bulk };
    for (let guard = 0; queue.jobs.length > 0 && guard < 100; guard++)
      await deliverSendJob(ports, settings, queue.jobs.shift()!, now);
    expect(mailer.bulkCalls.slice(0, 2)).toEqual([25, 12]);
    expect(mailer.sent.map((m) => m.to).sort()).toEqual([...emails].sort());
  });

  it('the bulk size halves when SES throttles and grows back by one a call it takes, never above its most', () => {
    const bulk = new BulkSize(25);
    bulk.throttled();
    bulk.throttled();
    expect(bulk.current).toBe(6);
    bulk.taken();
    expect(bulk.current).toBe(7);
    for (let i = 0; i < 50; i++) bulk.taken();
    expect(bulk.current).toBe(25);
    for (let i = 0; i < 10; i++) bulk.throttled();
    expect(bulk.current).toBe(1);
  });

  it('the late ceiling counts every mail of a call: 25 at once fill 25 of its places', async () => {
    const timers = { now: 0 };
    const waits: number[] = [];
    const ceiling = new SendCeiling(50, 1000, {
      clock: () => timers.now,
      sleep: async (ms) => {
        waits.push(ms);
        timers.now += ms;
      },
    });
    await ceiling.pass(25);
    await ceiling.pass(25);
    expect(waits).toEqual([]);
    // A third call of 25 waits for the first to be a window old.
    await ceiling.pass(25);
    expect(timers.now).toBe(1000);
  });
});

describe('bulk calls under the late ceiling', () => {
  it('are sized to fill its window: 22 a call under a ceiling of 198 (nine calls), not 25 (seven: 175)', () => {
    expect(bulkSizeFor(198, 25)).toBe(22);
    expect(Math.floor(198 / bulkSizeFor(198, 25)) * bulkSizeFor(198, 25)).toBe(198);
    // 200/s over 10 senders: a share of 19.8, a ceiling of 19 a second, one call of 19.
    expect(bulkSizeFor(senderPace(19.8).late.most, 25)).toBe(19);
    expect(bulkSizeFor(1, 25)).toBe(1);
    for (const most of [13, 50, 97, 193, 197, 998]) {
      const size = bulkSizeFor(most, 25);
      expect(size).toBeLessThanOrEqual(25);
      // Whole calls lose less than a call's worth of the window, and never more than 2 % of it.
      expect(most - Math.floor(most / size) * size).toBeLessThan(Math.max(1, most * 0.02) + 1);
    }
  });

  it('starts warm: no whole window at once when the sender starts, its calls spread as its rate allows', async () => {
    const timers = { now: 10_000 };
    const ceiling = new SendCeiling(198, 1000, {
      warm: true,
      clock: () => timers.now,
      sleep: async (ms) => {
        timers.now += ms;
      },
    });
    const passed: number[] = [];
    for (let call = 0; call < 9; call++) {
      await ceiling.pass(22);
      passed.push(timers.now - 10_000);
    }
    // Nine calls of 22 (198 mails) take a window, each a ninth of it after the one before.
    expect(passed.at(-1)).toBeCloseTo(1000, 6);
    expect(
      busiestWindow(
        passed.flatMap((at) => Array(22).fill(at)),
        1000,
      ),
    ).toBeLessThanOrEqual(198);
  });
});
