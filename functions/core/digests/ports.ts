import type { DigestControl, DigestRecord, RenderedDigest } from '#core/digests/digest.ts';
import type { Cadence } from '#core/subscriptions/subscriber.ts';

// What digests need: where digests, their renders and their plans are kept.

export interface DigestStore {
  saveRendered(rendered: RenderedDigest): Promise<void>;
  /** A rendered digest or narrowed variant, by its id. */
  loadRendered(renderId: string): Promise<RenderedDigest>;
  /** Stores a new digest; when it exists already (the same content planned before), returns the stored one. */
  createRecord(record: DigestRecord): Promise<DigestRecord>;
  getRecord(digestId: string): Promise<DigestRecord | undefined>;
  /** The newest digests first. */
  listRecords(limit: number): Promise<DigestRecord[]>;
  /**
   * Takes the planner's lease on a digest. `acquired` is false while another planner's lease runs.
   */
  leasePlanner(digestId: string, owner: string, leaseMs: number, now: Date): Promise<{ acquired: boolean }>;
  /**
   * Moves the planner past a queued page: only from cursor `from`, while `owner` holds the lease and
   * the digest is not cancelled (false otherwise: stop planning). Renews the lease.
   */
  advancePlan(
    digestId: string,
    owner: string,
    from: string | undefined,
    to: { cursor?: string; planned: number; jobs: number; complete: boolean },
    leaseMs: number,
    now: Date,
  ): Promise<boolean>;
  /** Pauses, resumes or cancels a digest; a cancelled digest stays cancelled. */
  setControl(digestId: string, control: DigestControl, reason: string | undefined, now: Date): Promise<void>;
  setApproval(digestId: string, approval: 'required' | 'approved', now: Date): Promise<void>;
  countTestCopy(digestId: string, now: Date): Promise<void>;
  /**
   * Notes a job's trailing run of failed recipients: added to the streak, or starting it again when
   * the job also had a success. Returns the new streak.
   */
  noteFailures(digestId: string, trailing: number, afterSuccess: boolean): Promise<number>;
  /** When a scheduled cadence last gathered articles. */
  getCursor(cadence: Cadence): Promise<Date | undefined>;
  setCursor(cadence: Cadence, at: Date): Promise<void>;
}
