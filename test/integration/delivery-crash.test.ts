import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoSendLedger } from '#adapters/dynamodb-ledger.ts';
import { DynamoSendingSwitch } from '#adapters/dynamodb-sending.ts';
import { digestProgress } from '#core/digests/status.ts';
import { fixtureDocument } from '../support/documents.ts';
import {
  busiestWindow,
  type FaultProxy,
  mailsPerAddress,
  SERVICE_UNAVAILABLE,
  startSesFaultProxy,
  THROTTLED,
} from '../support/fault-proxy.ts';
import {
  addReader,
  sendDeadLetters,
  stackIdFor,
  upload,
  useLocalStack,
  waitFor,
} from '../support/local-stack.ts';

// The sender runs in a process of its own (as with `npm start`), sends through the fault proxy, and a
// batch a dead sender held comes back after 15 s; a claimed ledger row may be taken over after 3 s.
// HERALD_CRASH_READERS=20000 runs the same drill at scale (about five minutes at 100 mails/s).
const READERS = Number(process.env.HERALD_CRASH_READERS || 500);
const RATE = 100;
/** Long enough to send everyone at the rate with a quarter of the calls refused, and then some. */
const SENDING_MS = 60_000 + (READERS / RATE) * 1.6 * 1000;
let proxy: FaultProxy;
let sesEmulator = '';
Object.assign(process.env, {
  HERALD_SEND_VISIBILITY_SECONDS: '15',
  HERALD_SEND_LEASE_SECONDS: '3',
  HERALD_MAX_SEND_RATE: String(RATE),
  HERALD_THROTTLE_DEFER_SECONDS: '1',
  // The sender process logs every retried job: only with HERALD_TEST_LOG.
  POWERTOOLS_LOG_LEVEL: process.env.HERALD_TEST_LOG ? 'ERROR' : 'SILENT',
});
beforeAll(async () => {
  // Random faults, as SES gives them: 20 % throttled, 5 % refused as unavailable.
  proxy = await startSesFaultProxy(
    () => sesEmulator,
    () => {
      const roll = Math.random();
      return roll < 0.2 ? THROTTLED : roll < 0.25 ? SERVICE_UNAVAILABLE : undefined;
    },
  );
  process.env.HERALD_SES_ENDPOINT = proxy.url;
});
const local = useLocalStack({ senderProcess: true });
beforeAll(() => {
  sesEmulator = local.stack.config.endpoints.sesv2;
});
afterAll(() => proxy?.close());

describe('a sender killed mid-run, under random SES faults', {
  timeout: 2 * SENDING_MS + READERS * 20,
}, () => {
  it('is started again; nobody is lost, only readers the ledger marks as in flight may have it twice, never above the rate', async () => {
    const readers = Array.from({ length: READERS }, (_, i) => `crash${i}@example.org`);
    for (const email of readers) await addReader(local.stack, email, 'en');
    await upload(local.stack, 'documents/grain/en.md', fixtureDocument('markdown/grain-corridor.en.md'));

    const killAt = Math.round(READERS * 0.3);
    await waitFor(
      `the first ${killAt} sends`,
      async () => proxy.accepted.length >= killAt,
      30_000 + killAt * 20,
    );
    const killed = local.stack.senderPid()!;
    process.kill(killed, 'SIGKILL');
    const acceptedAtKill = proxy.accepted.length;
    await waitFor('a new sender', async () => (local.stack.senderPid() ?? killed) !== killed, 10_000);

    const table = local.stack.config.table;
    const digests = new AwsDigestStore(table, local.stack.config.bucket);
    const [record] = (await digests.listRecords(10)).filter((r) => r.lang === 'en' && r.planned > 0);
    const status = () =>
      digestProgress(
        { ledger: new DynamoSendLedger(table), sending: new DynamoSendingSwitch(table) },
        record!,
        new Date(),
      );
    // Throughout, the status never counts more sent than SES accepted.
    let last: unknown;
    await waitFor(
      'the digest to be done',
      async () => {
        const now = await status();
        last = now;
        expect(now.sent).toBeLessThanOrEqual(proxy.accepted.length);
        return now.status === 'done';
      },
      SENDING_MS,
    ).catch(async (error: Error) => {
      const { missedRecipients } = await import('#core/digests/status.ts');
      const missed = await missedRecipients({ ledger: new DynamoSendLedger(table) }, record!.id);
      throw new Error(
        `${error.message}: ${JSON.stringify(last)} ${JSON.stringify(missed.slice(0, 5))} dead letters: ${await sendDeadLetters(local.stack)}`,
      );
    });

    const counts = mailsPerAddress(proxy);
    expect(readers.filter((r) => !counts.has(r))).toEqual([]);
    const twice = readers.filter((r) => (counts.get(r) ?? 0) > 1);
    const inFlight = new Set<string>();
    for await (const row of new DynamoSendLedger(table).rows(record!.id))
      if (row.inFlightAtCrash) inFlight.add(row.subscriberId);
    expect(twice.filter((r) => !inFlight.has(stackIdFor(r)))).toEqual([]);
    expect(readers.every((r) => (counts.get(r) ?? 0) <= 2)).toBe(true);

    const final = await status();
    expect(final).toMatchObject({ status: 'done', sent: READERS, pending: 0, failed: 0 });
    expect(final.inFlightAtCrash).toBe(inFlight.size);
    expect(acceptedAtKill).toBeLessThan(READERS);
    expect(proxy.refused.length).toBeGreaterThan(READERS / 10);
    // Every call that reached SES's door, accepted or refused, within the rate in any sliding second.
    const calls = [...proxy.accepted, ...proxy.refused].map((call) => call.at);
    expect(busiestWindow(calls, 1000)).toBeLessThanOrEqual(RATE);

    expect(await sendDeadLetters(local.stack)).toBe(0);
  });
});
