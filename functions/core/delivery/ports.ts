import type { SendJob } from '#core/digests/digest.ts';

// What delivery needs: the send queue, the send ledger, receipts, the sending switch and the SES quota.

/** The global sending switch: off, no digest sends (notices still go). */
export interface SendingSwitch {
  get(): Promise<{ on: boolean; reason?: string; at?: string }>;
  set(on: boolean, reason: string | undefined, now: Date): Promise<void>;
}

/** The SES daily quota, shared by every sender: sends are reserved before they are made. */
export interface SendQuota {
  /** Reserves up to `count` sends; how many were granted, and when short, how long until more free up. */
  reserve(count: number, now: Date): Promise<{ granted: number; retryAfterSeconds: number }>;
  /** Sends counted in the rolling window, and the limit. */
  usage(now: Date): Promise<{ used: number; limit: number; windowSeconds: number }>;
}

export interface SendQueue {
  /** Queues jobs, visible after `delaySeconds` (at most 900). */
  enqueue(jobs: readonly SendJob[], delaySeconds?: number): Promise<void>;
}

/** What a claim on a ledger row found. `render`: the row's variant, kept when it is given back. */
export type LedgerClaim =
  | {
      readonly kind: 'claimed';
      readonly attempts: number;
      readonly tookOver: boolean;
      readonly render?: string;
    }
  | { readonly kind: 'done' }
  | { readonly kind: 'in-flight'; readonly leaseUntil: number };

/** A send SES accepted, to mark in the ledger. `tookOver`: an earlier sender died with this send in flight. */
export interface SentMark {
  readonly subscriberId: string;
  readonly messageId: string;
  readonly attempts: number;
  readonly tookOver: boolean;
}

/**
 * Ledger row states: `pending` (planned: in a plan item and not claimed yet, or given back), `sending`
 * (claimed, SES call under way), `sent`, `failed` (a transient error: it is tried again), `rejected`
 * (SES refused the address for good), `skipped` (the reader left, is suppressed, or the digest was
 * cancelled or withdrawn).
 */
export type LedgerState = 'pending' | 'sending' | 'sent' | 'failed' | 'rejected' | 'skipped';

export interface LedgerRow {
  readonly subscriberId: string;
  readonly state: LedgerState;
  /** Why it was skipped, or the last error. */
  readonly reason?: string;
  readonly attempts: number;
  /** A sender died with this send in flight: the reader may have got it twice. */
  readonly inFlightAtCrash?: boolean;
  /** The narrower variant this reader gets, if not the digest itself. */
  readonly render?: string;
}

/** Who received which article in a language other than their own (so a later translation is not sent). */
export interface Receipts {
  record(articleIds: readonly string[], subscriberId: string, now: Date): Promise<void>;
  /** For each subscriber, the articles among `articleIds` they already received. */
  receivedAmong(
    articleIds: readonly string[],
    subscriberIds: readonly string[],
  ): Promise<Map<string, Set<string>>>;
}

/**
 * What taking a job's lease found: this sender now holds it; another holds it until `leaseUntil`; the
 * job's work is over; or its rest was handed on to `next`, which may not have reached the queue (the
 * sender that handed it on may have died right after): queue it again, harmlessly.
 */
export type JobLease =
  | { readonly kind: 'held'; readonly tookOver: boolean }
  | { readonly kind: 'busy'; readonly leaseUntil: number }
  | { readonly kind: 'finished' }
  | { readonly kind: 'handed-on'; readonly next: SendJob; readonly delaySeconds: number };

/** How a job's lease ends: its work done, its rest handed on to `next`, or given back for a retry. */
export type JobEnd =
  | { readonly kind: 'finished' }
  | { readonly kind: 'handed-on'; readonly next: SendJob; readonly delaySeconds: number }
  | { readonly kind: 'released' };

/** A claimed row given back unsent. */
export interface Unsent {
  readonly subscriberId: string;
  readonly attempts: number;
  readonly render?: string;
  readonly tookOver?: boolean;
}

/**
 * One row per (digest, subscriber): planned, claimed before the SES call, marked after it; and one
 * lease per send job, so that one sender at a time works a job — its message redelivered, or queued
 * twice, finds the lease held or the work done.
 */
export interface SendLedger {
  /**
   * Records a planner's page of jobs: one plan item per job (its readers and variant), not a row per
   * reader — a reader's row is written when a sender first claims it, and until then `rows` gives it as
   * `pending` from the plan. Writing the same jobs again (a page a dead planner redid) changes nothing.
   */
  plan(digestId: string, jobs: readonly SendJob[], now: Date): Promise<void>;
  claim(digestId: string, subscriberId: string, leaseMs: number, now: Date): Promise<LedgerClaim>;
  /** Takes the lease of job `jobKey` for `owner` (one conditional write): see {@link JobLease}. */
  leaseJob(digestId: string, jobKey: string, owner: string, leaseMs: number, now: Date): Promise<JobLease>;
  /** Renews `owner`'s lease; false when it is no longer `owner`'s (it ran out and was taken over). */
  renewJob(digestId: string, jobKey: string, owner: string, leaseMs: number, now: Date): Promise<boolean>;
  /** Ends `owner`'s lease (nothing, when it is no longer theirs): see {@link JobEnd}. */
  endJob(digestId: string, jobKey: string, owner: string, end: JobEnd, now: Date): Promise<void>;
  /**
   * Claims these rows together, under a job's lease: read in one call, and those that may be sent
   * marked `sending` (with a lease of their own) in one more — no row conditions, the job's lease is
   * the one writer's guarantee. A row another sender holds is `in-flight`; one whose lease ran out is
   * taken over (and says so).
   */
  claimAll(
    digestId: string,
    subscriberIds: readonly string[],
    leaseMs: number,
    now: Date,
    /** The job's variant, kept on rows the claim writes first. */
    render?: string,
  ): Promise<Map<string, LedgerClaim>>;
  /** Gives claimed rows back (`pending`) together, when their sends were not made. */
  releaseAll(digestId: string, rows: readonly Unsent[], now: Date): Promise<void>;
  /** Gives a claimed row back (`pending`) when its send was not made. */
  release(digestId: string, subscriberId: string, now: Date): Promise<void>;
  markSent(digestId: string, marks: readonly SentMark[], now: Date): Promise<void>;
  markFailed(
    digestId: string,
    subscriberId: string,
    error: string,
    permanent: boolean,
    now: Date,
  ): Promise<void>;
  markSkipped(digestId: string, subscriberId: string, reason: string, now: Date): Promise<void>;
  /** Every row of a digest, page by page; a planned reader with no row yet as `pending`. */
  rows(digestId: string): AsyncIterable<LedgerRow>;
}
