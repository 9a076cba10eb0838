import type { DigestControl, DigestRecord, RenderedDigest } from '#core/digests/digest.ts';
import type { DigestStore } from '#core/digests/ports.ts';

/** An in-memory digest store: records, rendered digests, cursors and the planner's lease. */
export class MemoryDigestStore implements DigestStore {
  readonly rendered = new Map<string, RenderedDigest>();
  readonly records = new Map<string, DigestRecord & { plannerOwner?: string; plannerLeaseUntil?: number }>();
  readonly cursors = new Map<string, Date>();

  async getCursor(cadence: string) {
    return this.cursors.get(cadence);
  }
  async setCursor(cadence: string, at: Date) {
    this.cursors.set(cadence, at);
  }
  async saveRendered(rendered: RenderedDigest) {
    this.rendered.set(rendered.digestId, rendered);
  }
  async loadRendered(digestId: string) {
    const rendered = this.rendered.get(digestId);
    if (!rendered) throw new Error(`no rendered digest ${digestId}`);
    return rendered;
  }
  async createRecord(record: DigestRecord) {
    const existing = this.records.get(record.id);
    if (existing) return existing;
    this.records.set(record.id, record);
    return record;
  }
  async getRecord(digestId: string) {
    const record = this.records.get(digestId);
    return record ? { ...record } : undefined;
  }
  async listRecords(limit: number) {
    return [...this.records.values()].reverse().slice(0, limit);
  }
  async leasePlanner(digestId: string, owner: string, leaseMs: number, now: Date) {
    const record = this.records.get(digestId)!;
    if ((record.plannerLeaseUntil ?? 0) >= now.getTime()) return { acquired: false };
    this.records.set(digestId, {
      ...record,
      plannerOwner: owner,
      plannerLeaseUntil: now.getTime() + leaseMs,
    });
    return { acquired: true };
  }
  async advancePlan(
    digestId: string,
    owner: string,
    from: string | undefined,
    to: { cursor?: string; planned: number; jobs: number; complete: boolean },
    leaseMs: number,
    now: Date,
  ) {
    const record = this.records.get(digestId)!;
    if (record.plannerOwner !== owner || record.control === 'cancelled' || record.planCursor !== from)
      return false;
    this.records.set(digestId, {
      ...record,
      planCursor: to.cursor,
      planned: to.planned,
      jobs: to.jobs,
      planComplete: to.complete,
      plannerLeaseUntil: to.complete ? 0 : now.getTime() + leaseMs,
    });
    return true;
  }
  async setControl(digestId: string, control: DigestControl, reason: string | undefined, _now?: Date) {
    const record = this.records.get(digestId)!;
    if (record.control === 'cancelled') throw new Error(`${digestId} is cancelled`);
    this.records.set(digestId, {
      ...record,
      control,
      controlReason: reason,
      ...(control === 'run' ? { failureStreak: 0 } : {}),
    });
  }
  async setApproval(digestId: string, approval: 'required' | 'approved', _now?: Date) {
    this.records.set(digestId, { ...this.records.get(digestId)!, approval });
  }
  async countTestCopy(digestId: string, _now?: Date) {
    const record = this.records.get(digestId)!;
    this.records.set(digestId, { ...record, testCopies: (record.testCopies ?? 0) + 1 });
  }
  async noteFailures(digestId: string, trailing: number, afterSuccess: boolean) {
    const record = this.records.get(digestId)!;
    const failureStreak = afterSuccess ? trailing : (record.failureStreak ?? 0) + trailing;
    this.records.set(digestId, { ...record, failureStreak });
    return failureStreak;
  }
}
