import { randomUUID } from 'node:crypto';
import { BulkSize, backoffMs } from '#core/delivery/pace.ts';
import type {
  LedgerClaim,
  Receipts,
  SendingSwitch,
  SendLedger,
  SendQueue,
  SendQuota,
  SentMark,
} from '#core/delivery/ports.ts';
import {
  AccountRefusedError,
  DailyQuotaExceededError,
  type DeferralReason,
  RecipientRejectedError,
  retriedOnTheSpot,
  SendThrottledError,
} from '#core/delivery/send-errors.ts';
import { type DigestRecord, jobKeyOf, type RenderedDigest, type SendJob } from '#core/digests/digest.ts';
import { type Kept, personalParts } from '#core/digests/personalize.ts';
import type { DigestStore } from '#core/digests/ports.ts';
import type { ArticleStore } from '#core/documents/ports.ts';
import { HeraldError } from '#core/errors.ts';
import type { BulkMailer, BulkResult } from '#core/mail/ports.ts';
import { type AddressKey, addressHash } from '#core/subscriptions/address-hash.ts';
import { personalLinks } from '#core/subscriptions/links.ts';
import type { SubscriberStore, SuppressionList } from '#core/subscriptions/ports.ts';
import type { Subscriber } from '#core/subscriptions/subscriber.ts';
import type { TokenKeys } from '#core/tokens.ts';

export interface DeliveryPorts {
  readonly digests: Pick<DigestStore, 'getRecord' | 'loadRendered' | 'setControl' | 'noteFailures'>;
  readonly sending: Pick<SendingSwitch, 'get'>;
  readonly quota: Pick<SendQuota, 'reserve'>;
  readonly subscribers: Pick<SubscriberStore, 'getMany'>;
  readonly ledger: SendLedger;
  /** Sends a window's readers in one call (SES SendBulkEmail), each with their own links and headers. */
  readonly mailer: BulkMailer;
  readonly articles: Pick<ArticleStore, 'withdrawnAmong'>;
  readonly receipts: Pick<Receipts, 'record'>;
  /** Where addresses SES rejects for good go. */
  readonly suppressions: Pick<SuppressionList, 'add'>;
  /** Paces sends under this sender's share of the SES maximum send rate: `take(n)` for a call of n readers. */
  readonly pace: { take(count?: number): Promise<void> };
  /** How many readers go in one SES call (shared by the process's jobs; one window when not given). */
  readonly bulk?: BulkSize;
  /** Where the rest of a deferred job goes back, as a new, delayed message. */
  readonly sendQueue: Pick<SendQueue, 'enqueue'>;
  /** Waits between retries (a seam for tests). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Time left in this invocation (Lambda's remaining time): the rest of a job is handed on before it runs out. */
  readonly timeLeftMs?: () => number;
}

/** The time kept in hand at the end of an invocation: a send, its mark, and re-queueing the rest. */
const TIME_MARGIN_MS = 5_000;

export interface DeliverySettings {
  readonly from: string;
  readonly publicBaseUrl: string;
  readonly tokenKeys: TokenKeys;
  /** Hashes a rejected address onto the suppression list. */
  readonly addressKey: AddressKey;
  /** How long a recipient's ledger row stays "sending" before another sender may take it over. */
  readonly sendLeaseMs: number;
  /** How long the rest of a job waits after persistent throttling, and how often a paused job looks again. */
  readonly deferSeconds?: { readonly throttled: number; readonly paused: number };
  /** Recipients failing one after another (across jobs) that pause the digest. */
  readonly maxFailureStreak?: number;
}

export interface DeliveryReport {
  readonly sent: number;
  readonly skipped: number;
  readonly failed: number;
}

/**
 * How a job ended: done, or deferred — the recipients not yet done (`remaining`) were put back on the
 * send queue as a new message delayed `delaySeconds`, so waiting never counts toward the dead-letter
 * queue. `report` counts what this run did either way.
 */
export type DeliveryOutcome =
  | { readonly kind: 'done'; readonly report: DeliveryReport }
  | {
      readonly kind: 'deferred';
      readonly report: DeliveryReport;
      readonly remaining: readonly string[];
      readonly delaySeconds: number;
      readonly reason: DeferralReason;
      /** Why, for the log: the digest, the reason and how many wait how long (never an address). */
      readonly message: string;
      /** The rest went back as the job's next generation (under the job's lease), already queued. */
      readonly handedOn?: boolean;
    };

/** A job that waits: the outcome whose rest went back on the send queue. */
export type DeliveryDeferral = Extract<DeliveryOutcome, { readonly kind: 'deferred' }>;

/** The waits a deferral uses when settings do not say: after throttling, and while a digest is held. */
export const DEFAULT_DEFER_SECONDS = { throttled: 30, paused: 60 } as const;
/** Recipients failing one after another that pause a digest, when settings do not say. */
export const DEFAULT_MAX_FAILURE_STREAK = 20;

/** Some recipients of a job could not be mailed; the job is retried and the ledger skips the rest. */
export class DeliveryIncompleteError extends HeraldError {
  override readonly name = 'DeliveryIncompleteError';
  constructor(
    message: string,
    readonly failed: number,
  ) {
    super(message);
  }
}

/** A send job names a digest Herald has no record of. */
export class UnknownDigestError extends HeraldError {
  override readonly name = 'UnknownDigestError';
}

/**
 * Sent marks are written together, up to this many or this old (well inside a claim's lease): a crash
 * leaves at most that many rows "sending", whose readers may then get the digest twice.
 */
const MARK_BATCH = 25;
/** Rows claimed together, just before their sends: one read and one write for this many readers. */
const CLAIM_WINDOW = MARK_BATCH;
const MARK_MAX_AGE_MS = 1_000;

/**
 * Sends one job. First the controls: a cancelled digest skips everyone; a paused digest, sending
 * switched off or a digest awaiting approval sends the whole job back to wait. Then the daily quota is
 * reserved (what does not fit waits until the window frees). A window of readers at a time (one SES
 * call's): claim their ledger rows, send the digest rendered once to all of them in one bulk call under
 * the pace, each with their own links and one-click unsubscribe headers, and mark each row sent with its
 * own message id (a crash can leave a call's rows "sending": the ledger then says those readers may get
 * it twice). Recipients who left are skipped, and so is anyone
 * the ledger says already got this digest; rows another sender still holds wait for its lease.
 *
 * SES errors by kind, of the whole call or of one reader's entry: throttling and transient errors are
 * retried on the spot with back-off (after throttling, in smaller calls); then
 * throttling defers the rest of the job, and a transient error fails that recipient (the job is retried
 * by the queue); a
 * quota refusal defers the rest; an account refusal pauses the digest (never suppressing anyone); an
 * address SES rejects is marked rejected and suppressed; other errors fail that recipient and the job
 * is retried. Too many failures in a row pause the digest.
 *
 * Waiting is an outcome, not an error: the recipients not yet done go back on the send queue as one new,
 * delayed message, and the outcome says why and for how long. Only failed recipients throw
 * ({@link DeliveryIncompleteError}), so the queue retries the job.
 */
export async function deliverSendJob(
  ports: DeliveryPorts,
  settings: DeliverySettings,
  job: SendJob,
  now: () => Date,
): Promise<DeliveryOutcome> {
  const outcome = await runSendJob(ports, settings, job, now);
  if (outcome.kind === 'deferred' && outcome.remaining.length > 0 && !outcome.handedOn)
    await ports.sendQueue.enqueue([job], outcome.delaySeconds);
  return outcome;
}

/**
 * The job under its lease: one sender at a time. A job whose lease another sender holds waits for it
 * (queued again, as it is); a job already done does nothing; a job whose rest was handed on queues that
 * rest again (the sender that handed it on may have died before it reached the queue). The rest of a
 * job that must wait is recorded as handed on before it is queued, as the next generation.
 */
async function underLease(
  ports: DeliveryPorts,
  settings: DeliverySettings,
  job: SendJob,
  now: () => Date,
  run: (hold: JobHold) => Promise<DeliveryOutcome>,
): Promise<DeliveryOutcome> {
  const key = jobKeyOf(job);
  const owner = randomUUID();
  const lease = await ports.ledger.leaseJob(job.digestId, key, owner, settings.sendLeaseMs, now());
  if (lease.kind === 'finished') return done(NOTHING_DONE);
  if (lease.kind === 'handed-on') {
    await ports.sendQueue.enqueue([lease.next], lease.delaySeconds);
    return done(NOTHING_DONE);
  }
  if (lease.kind === 'busy') {
    const wait = Math.max(1, (lease.leaseUntil - now().getTime()) / 1000 + 1);
    return deferred(
      job,
      NOTHING_DONE,
      job.subscriberIds,
      Math.ceil(wait),
      'in-flight',
      'the job is held by another sender',
    );
  }
  const hold = new JobHold(ports.ledger, job.digestId, key, owner, settings.sendLeaseMs, now);
  let outcome: DeliveryOutcome;
  try {
    outcome = await run(hold);
  } catch (error) {
    // Given back at once, so the queue's retry of this message finds the job free.
    await ports.ledger.endJob(job.digestId, key, owner, { kind: 'released' }, now()).catch(() => undefined);
    throw error;
  }
  // The lease ran out while this sender worked and another took the job over: the rest is theirs.
  if (hold.lost) return outcome;
  if (outcome.kind === 'deferred' && outcome.remaining.length > 0) {
    const next: SendJob = {
      digestId: job.digestId,
      ...(job.render ? { render: job.render } : {}),
      subscriberIds: [...outcome.remaining],
      generation: (job.generation ?? 0) + 1,
    };
    const handOn = { kind: 'handed-on', next, delaySeconds: outcome.delaySeconds } as const;
    await ports.ledger.endJob(job.digestId, key, owner, handOn, now());
    await ports.sendQueue.enqueue([next], outcome.delaySeconds);
    return { ...outcome, handedOn: true };
  }
  await ports.ledger.endJob(job.digestId, key, owner, { kind: 'finished' }, now());
  return outcome;
}

/**
 * This sender's hold on a job's lease: renewed before rows are claimed once a third of it has gone, so
 * a job that runs long keeps it; `lost` once another sender took it over (it had run out), and from
 * then on this sender claims no more rows.
 */
class JobHold {
  lost = false;
  private renewedAt: number;
  constructor(
    private readonly ledger: Pick<SendLedger, 'renewJob'>,
    private readonly digestId: string,
    private readonly key: string,
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly now: () => Date,
  ) {
    this.renewedAt = now().getTime();
  }

  /** Whether the lease is still this sender's (renewing it when a third of it has gone). */
  async keep(): Promise<boolean> {
    if (this.lost) return false;
    const at = this.now();
    if (at.getTime() - this.renewedAt < this.leaseMs / 3) return true;
    this.lost = !(await this.ledger.renewJob(this.digestId, this.key, this.owner, this.leaseMs, at));
    if (!this.lost) this.renewedAt = at.getTime();
    return !this.lost;
  }
}

const done = (report: DeliveryReport): DeliveryOutcome => ({ kind: 'done', report });
const NOTHING_DONE: DeliveryReport = { sent: 0, skipped: 0, failed: 0 };

async function runSendJob(
  ports: DeliveryPorts,
  settings: DeliverySettings,
  job: SendJob,
  now: () => Date,
): Promise<DeliveryOutcome> {
  const defer = settings.deferSeconds ?? DEFAULT_DEFER_SECONDS;
  const record = await ports.digests.getRecord(job.digestId);
  if (!record) throw new UnknownDigestError(`no digest ${job.digestId}: the job cannot be sent`);
  if (record.control === 'cancelled') {
    for (const id of job.subscriberIds) await ports.ledger.markSkipped(job.digestId, id, 'cancelled', now());
    return done({ sent: 0, skipped: job.subscriberIds.length, failed: 0 });
  }
  const held = await holdReason(ports, record);
  if (held) return deferred(job, NOTHING_DONE, job.subscriberIds, defer.paused, 'paused', held);
  // Read while the lease is taken (a job's start-up is time no send of its sender uses).
  const reads = startReads(ports, job);
  return underLease(ports, settings, job, now, (hold) =>
    sendJob(ports, settings, job, record, hold, now, reads),
  );
}

type JobReads = ReturnType<typeof startReads>;

/** What a job reads before its sends: the digest rendered, the articles withdrawn since, its readers. */
function startReads(ports: DeliveryPorts, job: SendJob) {
  const rendered = ports.digests.loadRendered(job.render ?? job.digestId);
  const withdrawn = rendered.then((r) => ports.articles.withdrawnAmong(r.articles));
  const subscribers = ports.subscribers.getMany(job.subscriberIds);
  // Awaited in turn, or not at all when the job turns out to be held elsewhere or done.
  for (const read of [rendered, withdrawn, subscribers]) read.catch(() => undefined);
  return { rendered, withdrawn, subscribers };
}

/** The job's sends, under its lease. */
async function sendJob(
  ports: DeliveryPorts,
  settings: DeliverySettings,
  job: SendJob,
  record: DigestRecord,
  hold: JobHold,
  now: () => Date,
  reads: JobReads,
): Promise<DeliveryOutcome> {
  const defer = settings.deferSeconds ?? DEFAULT_DEFER_SECONDS;
  const maxStreak = settings.maxFailureStreak ?? DEFAULT_MAX_FAILURE_STREAK;

  const rendered = await reads.rendered;
  const withdrawn = await reads.withdrawn;
  const skip = new Set(
    rendered.articles.flatMap((a, i) =>
      withdrawn.some((w) => w.articleId === a.articleId && w.lang === a.lang) ? [i] : [],
    ),
  );
  if (skip.size === rendered.articles.length) {
    for (const id of job.subscriberIds) await ports.ledger.markSkipped(job.digestId, id, 'withdrawn', now());
    return done({ sent: 0, skipped: job.subscriberIds.length, failed: 0 });
  }
  const subscribers = await reads.subscribers;
  const run = new JobRun(ports, settings, job, rendered, skip, hold, now);
  const bulk = ports.bulk ?? new BulkSize(CLAIM_WINDOW);
  try {
    // Everyone who left is skipped first, so the quota is reserved only for readers who may get mail.
    const readers: Subscriber[] = [];
    for (const id of job.subscriberIds) {
      const subscriber = subscribers.get(id);
      if (subscriber?.status === 'confirmed') readers.push(subscriber);
      else await run.skip(id, subscriber?.status ?? 'gone');
    }
    if (readers.length === 0) return done(run.report());
    const quota = await ports.quota.reserve(readers.length, now());
    const sendable = Math.min(readers.length, quota.granted);
    // Rows are claimed a window at a time (one read, one write), just before their sends; the next
    // window's claim goes out with the call of this one, so its round trip is hidden. A window is one
    // call's readers: the bulk size as it is when the window is claimed, at most CLAIM_WINDOW.
    let claims = new Map<string, LedgerClaim>();
    let windowEnd = 0;
    let nextWindow: Promise<ClaimedWindow | undefined> | undefined;
    // No row is claimed without the job's lease: a sender whose lease was taken over stops there.
    const claimWindow = (from: number): Promise<ClaimedWindow | undefined> => {
      const to = Math.min(sendable, from + Math.min(CLAIM_WINDOW, bulk.current));
      const claim = hold
        .keep()
        .then(async (kept) =>
          kept ? { to, claims: await run.claimAll(readers.slice(from, to)) } : undefined,
        );
      // Awaited on its turn; until then a failure must not count as an unhandled rejection.
      claim.catch(() => undefined);
      return claim;
    };
    let deferral: DeliveryOutcome | undefined;
    let at = 0;
    // Past the batch under way: what a failure mid-batch gives back.
    let end = 0;
    try {
      while (at < readers.length) {
        if (ports.timeLeftMs && ports.timeLeftMs() < TIME_MARGIN_MS) {
          deferral = run.deferRest(readers.slice(at), 0, 'time', 'the invocation is running out of time');
          break;
        }
        if (at >= sendable) {
          deferral = run.deferRest(
            readers.slice(at),
            quota.retryAfterSeconds,
            'quota',
            'the daily quota is reached',
          );
          break;
        }
        if (at === windowEnd) {
          await run.flushMarks();
          const claiming = nextWindow ?? claimWindow(at);
          nextWindow = undefined;
          const claimed = await claiming;
          if (!claimed) return done(run.report());
          windowEnd = claimed.to;
          claims = new Map([...claims, ...claimed.claims]);
        }
        end = Math.min(windowEnd, at + bulk.current);
        // The window's last call (its only one, unless SES throttled): the next window's claim goes with it.
        if (end === windowEnd && windowEnd < sendable) nextWindow = claimWindow(windowEnd);
        const outcome = await run.sendBatch(readers.slice(at, end), claims, bulk);
        // The lease ran out and another sender took the job over: the rest, claimed rows too, is theirs.
        if (outcome.kind === 'lost') return done(run.report());
        at = end;
        if (outcome.kind === 'defer') {
          if (outcome.reason === 'account') {
            await ports.digests.setControl(job.digestId, 'paused', `SES refused: ${outcome.message}`, now());
          }
          // SES says the quota is used up although Herald reserved it (other mail counted too): wait 15 minutes.
          const delay =
            outcome.reason === 'throttled'
              ? jittered(defer.throttled)
              : outcome.reason === 'quota'
                ? 900
                : defer.paused;
          deferral = run.deferRest(readers.slice(at), delay, outcome.reason, outcome.message);
          break;
        }
        if (run.trailingFailures >= maxStreak) {
          await pauseForFailures(ports, job.digestId, run.trailingFailures, now());
          deferral = run.deferRest(readers.slice(at), defer.paused, 'paused', 'too many failures in a row');
          break;
        }
      }
    } catch (error) {
      // Rows claimed for readers not reached go back to pending, to be claimed again at once.
      await run.releaseUnsent(readers.slice(end), await withNext(claims, nextWindow));
      throw error;
    }
    if (deferral) {
      await run.releaseUnsent(readers.slice(at), await withNext(claims, nextWindow));
      return deferral;
    }
    return await run.finish(record, maxStreak);
  } finally {
    await run.flushMarks();
  }
}

/** The claims so far, and the next window's too when it was asked for (whatever became of it). */
async function withNext(
  claims: ReadonlyMap<string, LedgerClaim>,
  next: Promise<ClaimedWindow | undefined> | undefined,
): Promise<ReadonlyMap<string, LedgerClaim>> {
  const ahead =
    (next ? await next.catch(() => undefined) : undefined)?.claims ?? new Map<string, LedgerClaim>();
  return new Map([...claims, ...ahead]);
}

/** A window's rows as claimed: up to `to` (exclusive) in the job's readers. */
interface ClaimedWindow {
  readonly to: number;
  readonly claims: Map<string, LedgerClaim>;
}

/** Why a digest may not send now, or undefined when it may. */
async function holdReason(ports: DeliveryPorts, record: DigestRecord): Promise<string | undefined> {
  if (record.control === 'paused') return `paused: ${record.controlReason ?? 'by an operator'}`;
  if (record.approval === 'required') return 'awaiting approval';
  const sending = await ports.sending.get();
  return sending.on ? undefined : `sending is switched off${sending.reason ? `: ${sending.reason}` : ''}`;
}

async function pauseForFailures(ports: DeliveryPorts, digestId: string, streak: number, now: Date) {
  await ports.digests.setControl(digestId, 'paused', `${streak} recipients failed in a row`, now);
}

function deferred(
  job: SendJob,
  report: DeliveryReport,
  remaining: readonly string[],
  delaySeconds: number,
  reason: DeferralReason,
  why: string,
): DeliveryOutcome {
  const message = `${job.digestId}: ${why}; ${remaining.length} recipients wait ${delaySeconds} s`;
  return { kind: 'deferred', report, remaining, delaySeconds, reason, message };
}

/** Jitter a third either way, so deferred jobs do not all come back at once. */
function jittered(base: number): number {
  return Math.max(0, Math.round(base * (2 / 3 + (Math.random() * 2) / 3)));
}

type SendOutcome =
  | { kind: 'sent' | 'skipped' | 'failed' | 'lost' }
  | { kind: 'defer'; reason: 'throttled' | 'quota' | 'account'; message: string };

/** One job's sends: counts, the marks waiting to be written, and who must come back later. */
class JobRun {
  private sentCount = 0;
  private skipped = 0;
  private rejected = 0;
  private hadSuccess = false;
  trailingFailures = 0;
  private readonly marks: SentMark[] = [];
  private oldestMarkAt = 0;
  /** Recipients that failed (retried with the job) and rows another sender holds (until its lease ends). */
  private readonly failures: string[] = [];
  /** Readers of a call that stopped (throttled, the quota, the account): they wait with the rest of the job. */
  private readonly waiting: string[] = [];
  private readonly inFlight: Array<{ id: string; leaseUntil: number }> = [];
  private readonly foreign: string[];
  private readonly sleep: (ms: number) => Promise<void>;
  /** The digest as the job's readers get it (withdrawn articles left out), cut at the personal links. */
  private readonly parts: Kept;

  constructor(
    private readonly ports: DeliveryPorts,
    private readonly settings: DeliverySettings,
    private readonly job: SendJob,
    rendered: RenderedDigest,
    withdrawn: ReadonlySet<number>,
    private readonly hold: Pick<JobHold, 'keep'>,
    private readonly now: () => Date,
  ) {
    this.parts = personalParts(rendered, withdrawn);
    this.foreign = rendered.articles
      .filter((a, i) => a.lang !== rendered.lang && !withdrawn.has(i))
      .map((a) => a.articleId);
    this.sleep = ports.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  }

  async skip(subscriberId: string, reason: string) {
    await this.ports.ledger.markSkipped(this.job.digestId, subscriberId, reason, this.now());
    this.skipped++;
  }

  /** The window's rows, claimed together under the job's lease. */
  claimAll(readers: readonly Subscriber[]): Promise<Map<string, LedgerClaim>> {
    const ids = readers.map((reader) => reader.id);
    const { digestId, render } = this.job;
    return this.ports.ledger.claimAll(digestId, ids, this.settings.sendLeaseMs, this.now(), render);
  }

  /** Rows claimed for readers whose sends were not made go back to pending, together. */
  async releaseUnsent(readers: readonly Subscriber[], claims: ReadonlyMap<string, LedgerClaim>) {
    const unsent = readers.flatMap((reader) => {
      const claim = claims.get(reader.id);
      if (claim?.kind !== 'claimed') return [];
      const { attempts, render, tookOver } = claim;
      return [{ subscriberId: reader.id, attempts, tookOver, ...(render ? { render } : {}) }];
    });
    if (unsent.length > 0) await this.ports.ledger.releaseAll(this.job.digestId, unsent, this.now());
  }

  /**
   * One call's readers (their rows claimed): those the ledger says are done are skipped, rows another
   * sender holds wait for its lease, and the rest go to SES in one bulk call under the pace, each with
   * their own links and one-click unsubscribe headers. Readers SES throttled or failed for a passing
   * reason are tried again on the spot, in a smaller call after throttling; then each reader's refusal
   * is read by kind, as a single send's would be. `defer`: the call's unsent readers wait with the rest.
   */
  async sendBatch(
    batch: readonly Subscriber[],
    claims: ReadonlyMap<string, LedgerClaim>,
    bulk: BulkSize,
  ): Promise<SendOutcome> {
    let pending: Array<{ subscriber: Subscriber; claim: Extract<LedgerClaim, { kind: 'claimed' }> }> = [];
    for (const subscriber of batch) {
      const claim = claims.get(subscriber.id)!;
      if (claim.kind === 'done') this.skipped++;
      else if (claim.kind === 'in-flight')
        this.inFlight.push({ id: subscriber.id, leaseUntil: claim.leaseUntil });
      else pending.push({ subscriber, claim });
    }
    // Readers still to try, and how often each was tried: a call takes as many as the bulk size allows.
    const tries = new Map<string, number>();
    while (pending.length > 0) {
      const call = pending.slice(0, bulk.current);
      pending = pending.slice(call.length);
      await this.ports.pace.take(call.length);
      // Checked right before the call, after the pace's wait: a sender that stalled past its lease finds
      // it taken over and sends nothing more, so a takeover costs at most the call that was under way.
      if (!(await this.hold.keep())) return { kind: 'lost' };
      let results: readonly BulkResult[];
      try {
        results = await this.ports.mailer.sendBulk(this.bulkMail(call.map((p) => p.subscriber)));
      } catch (error) {
        // The whole call refused: every reader in it, for the same reason.
        results = call.map(() => ({ error: error instanceof Error ? error : new Error(String(error)) }));
      }
      const again: typeof pending = [];
      let stop: SendOutcome | undefined;
      let throttled = false;
      for (const [i, entry] of call.entries()) {
        const result = results[i] ?? { error: new Error('SES gave no result for this reader') };
        if ('messageId' in result) {
          await this.sent(entry.subscriber, entry.claim, result.messageId);
          continue;
        }
        throttled ||= result.error instanceof SendThrottledError;
        const tried = (tries.get(entry.subscriber.id) ?? 0) + 1;
        tries.set(entry.subscriber.id, tried);
        if (!stop && retriedOnTheSpot(result.error) && tried <= THROTTLE_RETRIES) {
          again.push(entry);
          continue;
        }
        const outcome = await this.refused(entry.subscriber, result.error);
        if (outcome.kind === 'defer') stop ??= outcome;
      }
      if (throttled) bulk.throttled();
      else bulk.taken();
      if (stop) {
        // The readers still to try go back with the rest of the job.
        for (const entry of [...again, ...pending]) await this.refused(entry.subscriber, undefined);
        return stop;
      }
      if (again.length > 0) {
        await this.sleep(backoffMs(Math.max(...again.map((e) => tries.get(e.subscriber.id)!)) - 1));
        // Tried again first; after throttling, in smaller calls.
        pending = [...again, ...pending];
      }
    }
    return { kind: 'sent' };
  }

  /** The bulk mail for these readers: the digest once, and each reader's links and headers. */
  private bulkMail(readers: readonly Subscriber[]) {
    return {
      from: this.settings.from,
      ...this.parts,
      recipients: readers.map((subscriber) => {
        const links = personalLinks(this.settings.publicBaseUrl, this.settings.tokenKeys, subscriber.id);
        return {
          to: subscriber.email,
          values: links,
          headers: [
            { name: 'List-Unsubscribe', value: `<${links.unsubscribeUrl}>` },
            { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
          ],
        };
      }),
    };
  }

  /** A reader SES took: the sent mark (written with others), and receipts for foreign-language articles. */
  private async sent(
    subscriber: Subscriber,
    claim: Extract<LedgerClaim, { kind: 'claimed' }>,
    messageId: string,
  ) {
    if (this.marks.length === 0) this.oldestMarkAt = Date.now();
    this.marks.push({
      subscriberId: subscriber.id,
      messageId,
      attempts: claim.attempts,
      tookOver: claim.tookOver,
    });
    if (this.marks.length >= MARK_BATCH || Date.now() - this.oldestMarkAt >= MARK_MAX_AGE_MS)
      await this.flushMarks();
    // Articles read in another language than the reader's: a later translation must not reach them.
    if (this.foreign.length > 0) await this.ports.receipts.record(this.foreign, subscriber.id, this.now());
    this.sentCount++;
    this.hadSuccess = true;
    this.trailingFailures = 0;
  }

  /**
   * A reader SES did not take, by the refusal's kind: an address refused for good is marked rejected and
   * suppressed; throttling, the quota and the account's refusals make the job wait (`defer`, the reader
   * with the rest); anything else fails the reader, to be retried with the job. Without an error the
   * reader was not tried (the call stopped for another reader's reason) and waits with the rest.
   */
  private async refused(subscriber: Subscriber, error: Error | undefined): Promise<SendOutcome> {
    const { digestId } = this.job;
    const message = error ? `${error.name}: ${error.message}` : 'not sent: the job waits';
    const permanent = error instanceof RecipientRejectedError;
    // A row given back as failed can be claimed again at once by the job's next attempt.
    await this.ports.ledger.markFailed(digestId, subscriber.id, message, permanent, this.now());
    if (permanent) {
      await this.ports.suppressions.add(
        addressHash(this.settings.addressKey, subscriber.email),
        'bounce',
        this.now(),
      );
      this.rejected++;
      this.trailingFailures++;
      return { kind: 'failed' };
    }
    const reason =
      error instanceof SendThrottledError
        ? 'throttled'
        : error instanceof DailyQuotaExceededError
          ? 'quota'
          : error instanceof AccountRefusedError
            ? 'account'
            : error
              ? undefined
              : 'waiting';
    if (reason) {
      this.waiting.push(subscriber.id);
      return reason === 'waiting' ? { kind: 'skipped' } : { kind: 'defer', reason, message };
    }
    this.failures.push(subscriber.id);
    this.trailingFailures++;
    return { kind: 'failed' };
  }

  async flushMarks() {
    if (this.marks.length === 0) return;
    const marks = this.marks.splice(0);
    await this.ports.ledger.markSent(this.job.digestId, marks, this.now());
  }

  /** The rest of the job (and whoever failed or was in flight so far) is to wait as a new, delayed message. */
  deferRest(
    rest: readonly Subscriber[],
    delaySeconds: number,
    reason: DeferralReason,
    why: string,
  ): DeliveryOutcome {
    const remaining = [
      ...this.failures,
      ...this.waiting,
      ...this.inFlight.map((r) => r.id),
      ...rest.map((s) => s.id),
    ];
    const delay = Math.min(900, Math.max(0, Math.ceil(delaySeconds)));
    return deferred(this.job, this.report(), remaining, delay, reason, why);
  }

  report(): DeliveryReport {
    return { sent: this.sentCount, skipped: this.skipped, failed: this.rejected };
  }

  /** The end of the job: the failure streak noted, then failures retried and in-flight rows waited for. */
  async finish(record: DigestRecord, maxStreak: number): Promise<DeliveryOutcome> {
    const { digestId } = this.job;
    if (this.trailingFailures > 0 || (this.hadSuccess && (record.failureStreak ?? 0) > 0)) {
      const streak = await this.ports.digests.noteFailures(digestId, this.trailingFailures, this.hadSuccess);
      if (streak >= maxStreak) await pauseForFailures(this.ports, digestId, streak, this.now());
    }
    if (this.failures.length > 0) {
      throw new DeliveryIncompleteError(
        `${this.failures.length} of ${this.job.subscriberIds.length} recipients of ${digestId} failed: ${this.failures.join(', ')}`,
        this.failures.length,
      );
    }
    if (this.inFlight.length > 0) {
      // Another sender claimed these and may have died: look again when its lease has run out.
      const until = Math.max(...this.inFlight.map((r) => r.leaseUntil));
      const wait = Math.max(1, (until - this.now().getTime()) / 1000 + 1);
      return this.deferRest([], wait, 'in-flight', 'recipients in flight elsewhere');
    }
    return done(this.report());
  }
}

const THROTTLE_RETRIES = 3;
