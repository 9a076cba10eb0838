import type {
  JobEnd,
  LedgerClaim,
  LedgerRow,
  LedgerState,
  Receipts,
  SendingSwitch,
  SendLedger,
  SendQueue,
  SendQuota,
  SentMark,
  Unsent,
} from '#core/delivery/ports.ts';
import { jobKeyOf, type SendJob } from '#core/digests/digest.ts';
import { fillParts } from '#core/digests/personalize.ts';
import type { BulkMail, BulkMailer, BulkResult, Mailer, OutgoingMail } from '#core/mail/ports.ts';

/** In-memory stand-ins for the delivery ports: the send ledger, mailer, sending switch, quota, send queue and receipts. */
export class MemoryLedger implements SendLedger {
  readonly byKey = new Map<
    string,
    {
      state: LedgerState;
      leaseUntil?: number;
      attempts: number;
      messageId?: string;
      reason?: string;
      inFlightAtCrash?: boolean;
      render?: string;
    }
  >();

  /** Planned readers by `<digest>/<subscriber>`: their variant (a plan item per job, as the table keeps). */
  readonly planned = new Map<string, string | undefined>();
  readonly planItems: SendJob[] = [];
  async plan(digestId: string, jobs: readonly SendJob[], _now?: Date) {
    for (const job of jobs) {
      this.planItems.push(job);
      for (const id of job.subscriberIds) this.planned.set(`${digestId}/${id}`, job.render);
    }
  }
  async claim(digestId: string, subscriberId: string, leaseMs: number, now: Date): Promise<LedgerClaim> {
    const key = `${digestId}/${subscriberId}`;
    const row = this.byKey.get(key);
    if (row?.state === 'sending' && row.leaseUntil! >= now.getTime())
      return { kind: 'in-flight', leaseUntil: row.leaseUntil! };
    const tookOver = row?.state === 'sending' || row?.inFlightAtCrash === true;
    if (row && !['pending', 'failed', 'sending'].includes(row.state)) return { kind: 'done' };
    const attempts = (row?.attempts ?? 0) + 1;
    this.byKey.set(key, {
      state: 'sending',
      leaseUntil: now.getTime() + leaseMs,
      attempts,
      ...(tookOver ? { inFlightAtCrash: true } : {}),
    });
    return { kind: 'claimed', attempts, tookOver };
  }
  /** Each job's lease, by `<digest>/<job key>`. */
  readonly jobs = new Map<
    string,
    { state: JobEnd['kind'] | 'running'; leaseUntil: number; owner?: string; end?: JobEnd }
  >();
  leaseJob: SendLedger['leaseJob'] = async (digestId, jobKey, owner, leaseMs, now) => {
    const key = `${digestId}/${jobKey}`;
    const job = this.jobs.get(key);
    const free =
      !job || job.state === 'released' || (job.state === 'running' && job.leaseUntil < now.getTime());
    if (free) {
      this.jobs.set(key, { state: 'running', leaseUntil: now.getTime() + leaseMs, owner });
      return { kind: 'held', tookOver: job?.state === 'running' };
    }
    if (job.end?.kind === 'handed-on') return job.end;
    if (job.state === 'finished') return { kind: 'finished' };
    return { kind: 'busy', leaseUntil: job.leaseUntil };
  };
  async renewJob(digestId: string, jobKey: string, owner: string, leaseMs: number, now: Date) {
    const job = this.jobs.get(`${digestId}/${jobKey}`);
    if (job?.state !== 'running' || job.owner !== owner) return false;
    job.leaseUntil = now.getTime() + leaseMs;
    return true;
  }
  async endJob(digestId: string, jobKey: string, owner: string, end: JobEnd, _now?: Date) {
    const key = `${digestId}/${jobKey}`;
    if (this.jobs.get(key)?.owner !== owner) return;
    this.jobs.set(key, { state: end.kind, leaseUntil: 0, end });
  }
  async claimAll(
    digestId: string,
    subscriberIds: readonly string[],
    leaseMs: number,
    now: Date,
    jobRender?: string,
  ) {
    const claims = new Map<string, LedgerClaim>();
    for (const id of subscriberIds) {
      const render = this.byKey.get(`${digestId}/${id}`)?.render ?? jobRender;
      const claim = await this.claim(digestId, id, leaseMs, now);
      claims.set(id, claim.kind === 'claimed' && render ? { ...claim, render } : claim);
      if (render) this.byKey.get(`${digestId}/${id}`)!.render = render;
    }
    return claims;
  }
  async releaseAll(digestId: string, rows: readonly Unsent[], _now?: Date) {
    for (const row of rows) {
      const key = `${digestId}/${row.subscriberId}`;
      this.byKey.set(key, {
        state: 'pending',
        attempts: row.attempts,
        ...(row.render ? { render: row.render } : {}),
        ...(row.tookOver ? { inFlightAtCrash: true } : {}),
      });
    }
  }
  async release(digestId: string, subscriberId: string, _now?: Date) {
    const key = `${digestId}/${subscriberId}`;
    const row = this.byKey.get(key);
    if (row?.state === 'sending') this.byKey.set(key, { ...row, state: 'pending', leaseUntil: undefined });
  }
  async markSent(digestId: string, marks: readonly SentMark[], _now?: Date) {
    for (const mark of marks) {
      const key = `${digestId}/${mark.subscriberId}`;
      this.byKey.set(key, {
        state: 'sent',
        messageId: mark.messageId,
        attempts: mark.attempts,
        ...(mark.tookOver ? { inFlightAtCrash: true } : {}),
      });
    }
  }
  async markFailed(digestId: string, subscriberId: string, error: string, permanent: boolean, _now?: Date) {
    const key = `${digestId}/${subscriberId}`;
    const row = this.byKey.get(key)!;
    this.byKey.set(key, {
      ...row,
      state: permanent ? 'rejected' : 'failed',
      reason: error,
      leaseUntil: undefined,
    });
  }
  async markSkipped(digestId: string, subscriberId: string, reason: string, _now?: Date) {
    const key = `${digestId}/${subscriberId}`;
    const row = this.byKey.get(key);
    if (row?.state !== 'sent')
      this.byKey.set(key, { attempts: row?.attempts ?? 0, state: 'skipped', reason });
  }
  async *rows(digestId: string): AsyncIterable<LedgerRow> {
    for (const [key, row] of this.byKey) {
      const [digest, subscriberId] = key.split('/') as [string, string];
      if (digest === digestId) yield { subscriberId, ...row };
    }
    const listed = new Set<string>();
    for (const job of this.planItems) {
      // A finished job left a row for each of its readers: its plan says nothing more.
      if (job.digestId !== digestId || this.jobs.get(`${digestId}/${jobKeyOf(job)}`)?.state === 'finished')
        continue;
      for (const subscriberId of job.subscriberIds) {
        const key = `${digestId}/${subscriberId}`;
        if (this.byKey.has(key) || listed.has(key)) continue;
        listed.add(key);
        const render = this.planned.get(key);
        yield { subscriberId, state: 'pending', attempts: 0, ...(render ? { render } : {}) };
      }
    }
  }
}

/**
 * A bulk mail as SES makes it: one finished mail per recipient, sent through `send` one after another;
 * a recipient whose send throws gets that error as its result, as SES reports a refused entry.
 */
export async function sendEachOf(mail: BulkMail, send: Mailer['send']): Promise<BulkResult[]> {
  const results: BulkResult[] = [];
  for (const recipient of mail.recipients) {
    try {
      results.push(
        await send({
          from: mail.from,
          to: recipient.to,
          headers: recipient.headers,
          ...fillParts(mail, recipient.values),
        }),
      );
    } catch (error) {
      results.push({ error: error as Error });
    }
  }
  return results;
}

/** A single-send mailer as a bulk one (each recipient through its `send`). */
export const bulkOf = (mailer: Mailer): BulkMailer & Mailer => ({
  send: (mail) => mailer.send(mail),
  sendBulk: (mail) => sendEachOf(mail, (one) => mailer.send(one)),
});

/** Records every mail; `failFor` makes sends to those addresses throw, as SES would. */
export class RecordingMailer implements Mailer, BulkMailer {
  readonly sent: OutgoingMail[] = [];
  readonly failFor = new Set<string>();
  /** How many recipients each bulk call carried. */
  readonly bulkCalls: number[] = [];

  sendBulk(mail: BulkMail): Promise<BulkResult[]> {
    this.bulkCalls.push(mail.recipients.length);
    return sendEachOf(mail, (one) => this.send(one));
  }

  async send(mail: OutgoingMail) {
    if (this.failFor.has(mail.to)) throw new Error('SES said no');
    this.sent.push(mail);
    return { messageId: `m-${this.sent.length}` };
  }
}

/** The global switch, in memory. */
export class MemorySendingSwitch implements SendingSwitch {
  state: { on: boolean; reason?: string } = { on: true };
  async get() {
    return this.state;
  }
  async set(on: boolean, reason?: string, _now?: Date) {
    this.state = { on, reason };
  }
}

/** A daily quota that counts every reservation, with a clock the test moves. */
export class MemorySendQuota implements SendQuota {
  used = 0;
  constructor(public limit = Number.POSITIVE_INFINITY) {}
  async reserve(count: number) {
    const granted = Math.max(0, Math.min(count, this.limit - this.used));
    this.used += granted;
    return { granted, retryAfterSeconds: granted < count ? 60 : 0 };
  }
  async usage() {
    return { used: this.used, limit: this.limit, windowSeconds: 86_400 };
  }
}

export class MemorySendQueue implements SendQueue {
  readonly jobs: SendJob[] = [];
  readonly delays: number[] = [];
  async enqueue(jobs: readonly SendJob[], delaySeconds = 0) {
    this.jobs.push(...jobs);
    for (const _ of jobs) this.delays.push(delaySeconds);
  }
}

export class MemoryReceipts implements Receipts {
  readonly got = new Set<string>();
  async record(articleIds: readonly string[], subscriberId: string) {
    for (const id of articleIds) this.got.add(`${id}/${subscriberId}`);
  }
  async receivedAmong(articleIds: readonly string[], subscriberIds: readonly string[]) {
    const result = new Map<string, Set<string>>();
    for (const s of subscriberIds)
      for (const a of articleIds)
        if (this.got.has(`${a}/${s}`)) result.set(s, (result.get(s) ?? new Set()).add(a));
    return result;
  }
}

/** No pacing: unit tests send as fast as they can. */
export const noPace = { take: async () => undefined };
