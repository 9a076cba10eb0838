import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoSendLedger } from '#adapters/dynamodb-ledger.ts';
import { DynamoSendingSwitch, DynamoSendQuota } from '#adapters/dynamodb-sending.ts';
import { digestProgress } from '#core/digests/status.ts';
import { fixtureDocument } from '../support/documents.ts';
import {
  busiestWindow,
  type FaultProxy,
  mailsPerAddress,
  QUOTA_EXCEEDED,
  startSesFaultProxy,
} from '../support/fault-proxy.ts';
import { addReader, upload, useLocalStack, waitFor } from '../support/local-stack.ts';

// Read by the sender when it first loads, in this process: a "daily" quota of 40 mails in a rolling
// window of 10 seconds. Herald counts a mail when it reserves it and SES when it arrives; the window is
// wider than SES's (5 s below) so that a loaded machine, where one reservation's mails spread over
// seconds, still never meets SES's refusal (as a 24-hour window never does).
Object.assign(process.env, {
  HERALD_DAILY_QUOTA: '40',
  HERALD_QUOTA_WINDOW_SECONDS: '10',
  HERALD_MAX_SEND_RATE: '100',
});

const local = useLocalStack();
let proxy: FaultProxy;
beforeAll(async () => {
  // SES's own quota, in front of the emulator: 40 in any 5 seconds, refused beyond (as SES refuses).
  proxy = await startSesFaultProxy(local.stack.config.endpoints.sesv2, () => {
    const now = Date.now();
    return proxy.accepted.filter((call) => now - call.at < 5000).length >= 40 ? QUOTA_EXCEEDED : undefined;
  });
  process.env.AWS_ENDPOINT_URL_SESV2 = proxy.url;
});
afterAll(() => proxy?.close());

describe('a low daily quota', { timeout: 150_000 }, () => {
  it('pauses sending at the quota, resumes by itself as the window frees, and mails everyone once', async () => {
    const readers = Array.from({ length: 100 }, (_, i) => `quota${i}@example.org`);
    for (const email of readers) await addReader(local.stack, email, 'en');
    await upload(local.stack, 'documents/grain/en.md', fixtureDocument('markdown/grain-corridor.en.md'));

    const { table, bucket } = local.stack.config;
    const ports = {
      ledger: new DynamoSendLedger(table),
      sending: new DynamoSendingSwitch(table),
      quota: new DynamoSendQuota(table, 40, 10),
    };
    const seen = new Set<string>();
    await waitFor(
      'everyone mailed',
      async () => {
        const [record] = (await new AwsDigestStore(table, bucket).listRecords(20)).filter(
          (r) => r.planned > 0,
        );
        if (!record) return false;
        const progress = await digestProgress(ports, record, new Date());
        seen.add(`${progress.status}${progress.reason ? `: ${progress.reason}` : ''}`);
        return progress.status === 'done';
      },
      140_000,
    );

    const counts = mailsPerAddress(proxy);
    expect(readers.filter((r) => counts.get(r) !== 1)).toEqual([]);
    // Herald stopped at its quota before SES had to refuse anything.
    expect(proxy.refused).toEqual([]);
    expect(
      busiestWindow(
        proxy.accepted.map((call) => call.at),
        5000,
      ),
    ).toBeLessThanOrEqual(40);
    expect([...seen]).toContain('paused: the daily quota is reached: sending resumes as the window frees');
  });
});
