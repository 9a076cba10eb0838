import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoSendLedger } from '#adapters/dynamodb-ledger.ts';
import { DynamoSendingSwitch } from '#adapters/dynamodb-sending.ts';
import { digestProgress } from '#core/digests/status.ts';
import type { Language } from '#core/i18n/languages.ts';
import { fixtureDocument } from '../support/documents.ts';
import {
  busiestWindow,
  type FaultProxy,
  mailsPerAddress,
  startSesFaultProxy,
  startSqsDoublingProxy,
} from '../support/fault-proxy.ts';
import { addReader, upload, useLocalStack, waitFor } from '../support/local-stack.ts';

// Read by the sender when it first loads, in this process: the rate every sender shares, and a short
// lease, so a job delivered twice at once waits seconds, not minutes, for the other copy's claims.
Object.assign(process.env, { HERALD_MAX_SEND_RATE: '50', HERALD_SEND_LEASE_SECONDS: '5' });

const local = useLocalStack();
let ses: FaultProxy;
let sqs: Awaited<ReturnType<typeof startSqsDoublingProxy>>;
beforeAll(async () => {
  ses = await startSesFaultProxy(local.stack.config.endpoints.sesv2, () => undefined);
  sqs = await startSqsDoublingProxy(local.stack.config.endpoints.sqs);
  process.env.AWS_ENDPOINT_URL_SESV2 = ses.url;
  // The SQS client sends to the queue URL's host: the handlers (loaded on first use) get the queue
  // through the doubling proxy.
  const queue = new URL(local.stack.config.queues.send);
  process.env.HERALD_SEND_QUEUE_URL = `${sqs.url}${queue.pathname}`;
});
afterAll(async () => {
  await ses?.close();
  await sqs?.close();
});

async function sendTo(prefix: string, count: number, lang: Language, document: string) {
  const readers = Array.from({ length: count }, (_, i) => `${prefix}${i}@example.org`);
  for (const email of readers) await addReader(local.stack, email, lang);
  await upload(local.stack, `documents/${prefix}/${lang}.md`, fixtureDocument(document));
  return readers;
}

async function progressOf(lang: Language) {
  const { table, bucket } = local.stack.config;
  const records = await new AwsDigestStore(table, bucket).listRecords(50);
  const record = records.find((r) => r.lang === lang && r.planned > 0);
  if (!record) return undefined;
  return digestProgress(
    { ledger: new DynamoSendLedger(table), sending: new DynamoSendingSwitch(table) },
    record,
    new Date(),
  );
}

describe('delivery faults on the local stack', { timeout: 120_000 }, () => {
  it('every SQS message delivered twice: nobody gets the digest twice', async () => {
    const readers = await sendTo('twice', 200, 'en', 'markdown/grain-corridor.en.md');
    await waitFor('the digest to be done', async () => (await progressOf('en'))?.status === 'done', 90_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(sqs.doubled()).toBeGreaterThan(0);
    const counts = mailsPerAddress(ses);
    expect(readers.filter((r) => counts.get(r) !== 1)).toEqual([]);
    expect(await progressOf('en')).toMatchObject({ sent: 200, pending: 0, inFlightAtCrash: 0 });
  });

  it('at 50 mails a second, no sliding second at SES holds more than 50 calls', async () => {
    const before = ses.accepted.length;
    const readers = await sendTo('paced', 300, 'fr', 'markdown/grain-corridor.fr.md');
    await waitFor('the digest to be done', async () => (await progressOf('fr'))?.status === 'done', 90_000);
    const calls = ses.accepted.slice(before).map((call) => call.at);
    expect(calls.length).toBeGreaterThanOrEqual(readers.length);
    // The sender's late ceiling counts the digest share (48) as calls leave the SDK; the public mail's
    // slice of the rate is what is left for the way to SES.
    expect(busiestWindow(calls, 1000)).toBeLessThanOrEqual(50);
  });
});
