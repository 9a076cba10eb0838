import type { LedgerRow, SendingSwitch, SendLedger, SendQuota } from '#core/delivery/ports.ts';
import type { DigestRecord, DigestStatus } from '#core/digests/digest.ts';

/** A digest's counts, read from its ledger: the truth of who got it, row by row. */
export interface DigestCounts {
  /** Rows planned so far. */
  readonly total: number;
  readonly sent: number;
  /** SES refused the address for good (it is suppressed). */
  readonly failed: number;
  /** Not mailed on purpose: the reader left or is suppressed, the article was withdrawn, the digest cancelled. */
  readonly suppressed: number;
  /** Still to send: planned, being sent, or waiting to be tried again. */
  readonly pending: number;
  /** Sends a sender had in flight when it died: those readers may have the digest twice. */
  readonly inFlightAtCrash: number;
}

export interface DigestProgress extends DigestCounts {
  readonly digestId: string;
  readonly status: DigestStatus;
  /** Why it is paused or planned (awaiting approval, planning). */
  readonly reason?: string;
  readonly lang: string;
  readonly cadence: string;
  readonly createdAt: string;
  readonly planComplete: boolean;
  readonly testCopies: number;
}

export function countRows(rows: Iterable<LedgerRow>): DigestCounts {
  const counts = { total: 0, sent: 0, failed: 0, suppressed: 0, pending: 0, inFlightAtCrash: 0 };
  for (const row of rows) {
    counts.total++;
    if (row.inFlightAtCrash) counts.inFlightAtCrash++;
    if (row.state === 'sent') counts.sent++;
    else if (row.state === 'rejected') counts.failed++;
    else if (row.state === 'skipped') counts.suppressed++;
    else counts.pending++;
  }
  return counts;
}

/**
 * The status an operator sees. Done: planned to the end and nothing pending. Cancelled. Paused: by an
 * operator, by itself (failures, an account refusal), or because all sending is switched off or the
 * daily quota is reached. Planned: nothing sent yet (awaiting approval, or just queued). Else sending.
 */
export function statusOf(
  record: DigestRecord,
  counts: DigestCounts,
  sending: { on: boolean; reason?: string },
  quota?: { used: number; limit: number },
): { status: DigestStatus; reason?: string } {
  if (record.control === 'cancelled') return { status: 'cancelled', reason: record.controlReason };
  if (record.planComplete && counts.pending === 0) return { status: 'done' };
  if (record.control === 'paused')
    return { status: 'paused', reason: record.controlReason ?? 'by an operator' };
  if (record.approval === 'required') return { status: 'planned', reason: 'awaiting approval' };
  if (!sending.on)
    return {
      status: 'paused',
      reason: `sending is switched off${sending.reason ? `: ${sending.reason}` : ''}`,
    };
  if (quota && quota.used >= quota.limit && counts.pending > 0)
    return { status: 'paused', reason: 'the daily quota is reached: sending resumes as the window frees' };
  if (counts.total - counts.pending === 0)
    return { status: 'planned', reason: record.planComplete ? undefined : 'planning' };
  return { status: 'sending', reason: record.planComplete ? undefined : 'still planning' };
}

export interface StatusPorts {
  readonly ledger: Pick<SendLedger, 'rows'>;
  readonly sending: Pick<SendingSwitch, 'get'>;
  readonly quota?: Pick<SendQuota, 'usage'>;
}

/** A digest's status and counts, now. */
export async function digestProgress(
  ports: StatusPorts,
  record: DigestRecord,
  now: Date,
): Promise<DigestProgress> {
  const rows: LedgerRow[] = [];
  for await (const row of ports.ledger.rows(record.id)) rows.push(row);
  const counts = countRows(rows);
  const quota = await ports.quota?.usage(now);
  const { status, reason } = statusOf(record, counts, await ports.sending.get(), quota);
  return {
    digestId: record.id,
    status,
    reason,
    lang: record.lang,
    cadence: record.cadence,
    createdAt: record.createdAt,
    planComplete: record.planComplete,
    testCopies: record.testCopies ?? 0,
    ...counts,
  };
}

/** Everyone who has not received a digest (yet), and why. */
export async function missedRecipients(
  ports: Pick<StatusPorts, 'ledger'>,
  digestId: string,
): Promise<Array<{ subscriberId: string; state: string; why: string }>> {
  const missed: Array<{ subscriberId: string; state: string; why: string }> = [];
  for await (const row of ports.ledger.rows(digestId)) {
    if (row.state === 'sent') continue;
    missed.push({ subscriberId: row.subscriberId, state: row.state, why: whyMissed(row) });
  }
  return missed;
}

function whyMissed(row: LedgerRow): string {
  switch (row.state) {
    case 'pending':
      return 'not sent yet';
    case 'sending':
      return row.attempts > 1 ? 'being sent again (a sender died)' : 'being sent';
    case 'failed':
      return `will be tried again (${row.reason ?? 'error'})`;
    case 'rejected':
      return `SES rejected the address (${row.reason ?? 'rejected'}); suppressed`;
    case 'skipped':
      return skippedWhy(row.reason);
    default:
      return row.state;
  }
}

function skippedWhy(reason: string | undefined): string {
  switch (reason) {
    case 'unsubscribed':
      return 'unsubscribed';
    case 'suppressed':
      return 'suppressed (bounce or complaint)';
    case 'gone':
      return 'no longer a subscriber';
    case 'withdrawn':
      return 'the articles were withdrawn';
    case 'cancelled':
      return 'the digest was cancelled';
    default:
      return reason ?? 'skipped';
  }
}
