import { SingleBar } from 'cli-progress';
import { Argument, Command, Option } from 'commander';
import { SqsSendQueue } from '#adapters/sqs-send-queue.ts';
import { numberIn } from '#cli/numbers.ts';
import { operatorStores } from '#cli/operator.ts';
import type { DigestRecord } from '#core/digests/digest.ts';
import { type PlanResult, planDigest, requeueUnsent } from '#core/digests/plan.ts';
import { type DigestProgress, digestProgress, missedRecipients } from '#core/digests/status.ts';

type Stores = Awaited<ReturnType<typeof operatorStores>>;

async function recordOf(stores: Stores, digestId: string): Promise<DigestRecord> {
  const record = await stores.digests.getRecord(digestId);
  if (!record) throw new Error(`there is no digest ${digestId}: "herald status" lists the digests`);
  return record;
}

const done = (status: string) => status === 'done' || status === 'cancelled';

function summary(p: DigestProgress): string {
  const planned = p.planComplete ? `${p.total}` : `${p.total} so far`;
  const lines = [
    `${p.digestId}  ${p.lang}  ${p.cadence}  created ${p.createdAt}`,
    `status      ${p.status}${p.reason ? ` (${p.reason})` : ''}`,
    `recipients  ${planned}`,
    `sent        ${p.sent}`,
    `failed      ${p.failed}`,
    `suppressed  ${p.suppressed}`,
    `pending     ${p.pending}`,
  ];
  if (p.inFlightAtCrash > 0)
    lines.push(`in flight at a crash  ${p.inFlightAtCrash} (these readers may have it twice)`);
  if (p.testCopies > 0) lines.push(`test copies ${p.testCopies}`);
  return lines.join('\n');
}

function barLine(p: DigestProgress) {
  return {
    status: `${p.status}${p.reason ? ` (${p.reason})` : ''}`,
    sent: p.sent,
    failed: p.failed,
    suppressed: p.suppressed,
    pending: p.pending,
  };
}

/** Follows one digest with a progress bar, redrawn every second, until it is done or cancelled. */
async function watch(stores: Stores, digestId: string, intervalMs: number): Promise<DigestProgress> {
  let progress = await digestProgress(stores, await recordOf(stores, digestId), new Date());
  const bar = new SingleBar({
    format:
      '[{bar}] {percentage}% | {sent} sent · {failed} failed · {suppressed} suppressed · {pending} pending | {status}',
    hideCursor: true,
    clearOnComplete: false,
  });
  bar.start(Math.max(1, progress.total), progress.total - progress.pending, barLine(progress));
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  try {
    while (!done(progress.status) && !stopped) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      progress = await digestProgress(stores, await recordOf(stores, digestId), new Date());
      bar.setTotal(Math.max(1, progress.total));
      bar.update(progress.total - progress.pending, barLine(progress));
    }
  } finally {
    bar.stop();
    process.removeListener('SIGINT', stop);
  }
  return progress;
}

export function statusCommand(): Command {
  return new Command('status')
    .description(
      'digests and how far each got: status (planned, sending, paused, done, cancelled) and counts; with DIGEST, a live progress bar',
    )
    .argument('[digest]', 'one digest id (d_…)')
    .option('--missed', 'list who has not received DIGEST, and why')
    .option('--once', 'print the counts once, without the live bar')
    .addOption(
      new Option('--limit <n>', 'how many digests to list, newest first')
        .argParser(numberIn(1, 1000, { integer: true }))
        .default(20),
    )
    .addOption(
      new Option('--interval <ms>', 'how often the live bar is redrawn')
        .argParser(numberIn(100, 60_000, { integer: true }))
        .default(1000)
        .hideHelp(),
    )
    .action(
      async (
        digestId: string | undefined,
        options: { missed?: boolean; once?: boolean; limit: number; interval: number },
      ) => {
        const stores = await operatorStores();
        const switchState = await stores.sending.get();
        const quota = await stores.quota.usage(new Date());
        if (!digestId) {
          if (options.missed) throw new Error('--missed needs a digest: herald status DIGEST --missed');
          const records = await stores.digests.listRecords(options.limit);
          console.log(
            `sending ${switchState.on ? 'on' : `OFF${switchState.reason ? ` (${switchState.reason})` : ''}`}` +
              ` · daily quota ${quota.used} of ${Number.isFinite(quota.limit) ? quota.limit : 'unlimited'} used`,
          );
          if (records.length === 0) {
            console.log('no digests yet');
            return;
          }
          console.log(
            [
              'DIGEST'.padEnd(27),
              'LANG',
              'CADENCE  ',
              'STATUS   ',
              'SENT',
              'FAILED',
              'SUPPRESSED',
              'PENDING',
            ].join('  '),
          );
          for (const record of records) {
            // Digests whose audience was empty (nobody reads that language yet) are left out.
            if (record.planComplete && record.planned === 0) continue;
            const p = await digestProgress(stores, record, new Date());
            console.log(
              [
                p.digestId.padEnd(27),
                p.lang.padEnd(4),
                p.cadence.padEnd(9),
                p.status.padEnd(9),
                String(p.sent).padStart(4),
                String(p.failed).padStart(6),
                String(p.suppressed).padStart(10),
                String(p.pending).padStart(7),
              ].join('  ') + (p.reason ? `  ${p.reason}` : ''),
            );
          }
          return;
        }
        const record = await recordOf(stores, digestId);
        if (options.missed) {
          const missed = await missedRecipients(stores, digestId);
          if (missed.length === 0) {
            console.log(`everyone planned so far has received ${digestId}`);
            return;
          }
          const people = await stores.subscribers.getMany(missed.map((m) => m.subscriberId));
          for (const m of missed)
            console.log(
              `${m.subscriberId}\t${people.get(m.subscriberId)?.email ?? '(erased)'}\t${m.state}\t${m.why}`,
            );
          console.log(`${missed.length} have not received ${digestId}`);
          return;
        }
        let progress = await digestProgress(stores, record, new Date());
        if (!options.once && process.stdout.isTTY && !done(progress.status))
          progress = await watch(stores, digestId, options.interval);
        console.log(summary(progress));
      },
    );
}

async function runPlanner(digestId: string): Promise<PlanResult> {
  const { publishing } = await import('#builders/publishing.ts');
  const { ports, settings } = publishing();
  return planDigest(ports, settings, digestId, () => new Date(), {
    owner: `cli-${process.pid}-${Date.now()}`,
    onPage: (planned) => process.stderr.write(`\rplanned ${planned} recipients`),
  }).finally(() => process.stderr.write('\n'));
}

/** Plans what is left of a digest in this process (after an approval, or when a planner stopped half-way). */
export async function planRest(stores: Stores, digestId: string): Promise<void> {
  const record = await recordOf(stores, digestId);
  // A paused digest is planned too: its jobs wait on the queue until it is resumed.
  if (record.planComplete || record.control === 'cancelled' || record.approval === 'required') return;
  const result = await runPlanner(digestId);
  console.log(`${digestId}: ${result.planned} recipients in ${result.jobs} jobs (${result.outcome})`);
}

export function controlCommands(): Command[] {
  const pause = new Command('pause')
    .description('pause a digest: queued jobs wait (and look again every minute) until it is resumed')
    .argument('<digest>', 'the digest id (d_…)')
    .option('--reason <text>', 'why, shown by herald status', 'paused by an operator')
    .action(async (digestId: string, options: { reason: string }) => {
      const stores = await operatorStores();
      await recordOf(stores, digestId);
      await stores.digests.setControl(digestId, 'paused', options.reason, new Date());
      console.log(`${digestId} paused: its jobs wait until "herald resume ${digestId}"`);
    });
  const resume = new Command('resume')
    .description('resume a paused digest (and finish planning it when a planner stopped half-way)')
    .argument('<digest>', 'the digest id (d_…)')
    .option(
      '--requeue',
      'also queue again everyone not mailed yet: for when the queue lost its messages (the ledger stops duplicates)',
    )
    .action(async (digestId: string, options: { requeue?: boolean }) => {
      const stores = await operatorStores();
      await recordOf(stores, digestId);
      await stores.digests.setControl(digestId, 'run', undefined, new Date());
      console.log(`${digestId} resumed: waiting jobs go out within a minute`);
      await planRest(stores, digestId);
      if (options.requeue) {
        const queued = await requeueUnsent(
          {
            ledger: stores.ledger,
            sendQueue: new SqsSendQueue(stores.target.setting('HERALD_SEND_QUEUE_URL')),
          },
          digestId,
        );
        console.log(`${queued} readers not mailed yet were queued again`);
      }
    });
  const cancel = new Command('cancel')
    .description('cancel a digest for good: nobody else receives it (who got it stays in the ledger)')
    .argument('<digest>', 'the digest id (d_…)')
    .option('--reason <text>', 'why, shown by herald status', 'cancelled by an operator')
    .action(async (digestId: string, options: { reason: string }) => {
      const stores = await operatorStores();
      await recordOf(stores, digestId);
      await stores.digests.setControl(digestId, 'cancelled', options.reason, new Date());
      console.log(`${digestId} cancelled`);
    });
  const sending = new Command('sending')
    .description('the global sending switch: "off" holds every digest (subscription notices still go)')
    .addArgument(new Argument('<state>', 'on, off, or status').choices(['on', 'off', 'status']))
    .option('--reason <text>', 'why, shown by herald status')
    .action(async (state: 'on' | 'off' | 'status', options: { reason?: string }) => {
      const stores = await operatorStores();
      if (state !== 'status') await stores.sending.set(state === 'on', options.reason, new Date());
      const now = await stores.sending.get();
      console.log(`sending is ${now.on ? 'on' : 'off'}${now.reason ? ` (${now.reason})` : ''}`);
    });
  return [pause, resume, cancel, sending];
}
