import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { herald } from '../support/cli.ts';
import { addReader, mailTo, outbox, useLocalStack, waitFor } from '../support/local-stack.ts';

// Read when the handlers first load, in this process: approval mode on, paused jobs look again every
// second, and 5 mails a second (so a person can watch the bar move).
Object.assign(process.env, {
  HERALD_REQUIRE_APPROVAL: 'true',
  HERALD_PAUSE_DEFER_SECONDS: '1',
  HERALD_MAX_SEND_RATE: '5',
});

const local = useLocalStack();
const page = (name: string) => fileURLToPath(new URL(`../fixtures/pages/${name}`, import.meta.url));
const bin = fileURLToPath(new URL('../../bin/herald.mjs', import.meta.url));

/** The digests `herald status` lists, as [id, language]. */
async function listed(): Promise<Array<[string, string]>> {
  const { stdout } = await herald(local.home, 'status');
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('d_'))
    .map((line) => line.split(/\s+/) as [string, string]);
}

/**
 * Publishes a page and returns the digest it makes for its language: a new one. (An earlier article
 * makes digests in every language, for readers who take originals; in approval mode they wait, listed,
 * so "the first one in that language" may be one of those.)
 */
async function publishFor(file: string, lang: string): Promise<string> {
  const before = new Set((await listed()).map(([id]) => id));
  expect((await herald(local.home, 'publish', page(file))).code).toBe(0);
  return waitFor(
    `the new ${lang} digest`,
    async () => (await listed()).find(([id, language]) => language === lang && !before.has(id))?.[0],
  );
}

const statusOf = async (digest: string) => (await herald(local.home, 'status', digest, '--once')).stdout;

describe('an operator in approval mode', { timeout: 120_000 }, () => {
  const readers = Array.from({ length: 40 }, (_, i) => `op${i}@example.org`);

  it('tests a digest, approves it with sending switched off, switches on, and follows it to the end', async () => {
    for (const email of readers) await addReader(local.stack, email, 'en');
    const digest = await publishFor('en-state-visit.txt', 'en');
    expect(await statusOf(digest)).toMatch(/status\s+planned \(awaiting approval\)/);

    const test = await herald(local.home, 'digest', 'test', digest, '--to', 'editor@example.org');
    expect(test.stdout).toContain(`test copy of ${digest} sent`);
    const [copy] = await waitFor('the test copy', async () => {
      const mails = await mailTo(local.stack, 'editor@example.org');
      return mails.length > 0 && mails;
    });
    expect(copy!.subject).toMatch(/^\[Test\] /);
    expect((await outbox(local.stack)).filter((m) => m.destination.to[0]?.startsWith('op'))).toEqual([]);

    expect((await herald(local.home, 'sending', 'off', '--reason', 'checking the list')).stdout).toContain(
      'sending is off (checking the list)',
    );
    const approved = await herald(local.home, 'digest', 'approve', digest);
    expect(approved.stdout).toContain(`${digest}: 40 recipients in 1 jobs (complete)`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await statusOf(digest)).toMatch(/status\s+paused \(sending is switched off: checking the list\)/);
    expect((await herald(local.home, 'status', digest, '--missed')).stdout).toContain('40 have not received');

    await herald(local.home, 'sending', 'on');
    // In a terminal, status follows the digest with a live bar until it is done.
    const { stdout: live } = await promisify(execFile)(
      'script',
      ['-qec', `${process.execPath} ${bin} status ${digest} --interval 200`, '/dev/null'],
      { env: { ...process.env, HERALD_HOME: local.home }, timeout: 60_000 },
    );
    expect(live).toMatch(
      /\[[=-]+\] [1-9]\d?% \| \d+ sent · 0 failed · 0 suppressed · \d+ pending \| sending/,
    );
    expect(live).toMatch(/status\s+done/);
    expect(await statusOf(digest)).toMatch(/sent\s+40\n/);
    for (const email of readers) expect(await mailTo(local.stack, email)).toHaveLength(1);
  });

  it('pauses, cancels, and says why nobody else got it; a cancelled digest cannot be resumed', async () => {
    const digest = await publishFor('fr-senegal.txt', 'fr');
    for (const email of ['fr1@example.org', 'fr2@example.org']) await addReader(local.stack, email, 'fr');
    // Approval mode plans a digest when it is approved: readers who came meanwhile are in it.
    expect(await statusOf(digest)).toMatch(/status\s+planned/);
    expect((await herald(local.home, 'pause', digest, '--reason', 'wrong date')).stdout).toContain('paused');
    expect((await herald(local.home, 'digest', 'approve', digest)).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await statusOf(digest)).toMatch(/status\s+paused \(wrong date\)/);

    expect((await herald(local.home, 'cancel', digest)).stdout).toContain('cancelled');
    await waitFor('the rows to be skipped', async () =>
      /status\s+cancelled[\s\S]*pending\s+0/.test(await statusOf(digest)),
    );
    const missed = await herald(local.home, 'status', digest, '--missed');
    expect(missed.stdout).toContain('the digest was cancelled');
    expect(await mailTo(local.stack, 'fr1@example.org')).toEqual([]);

    const resumed = await herald(local.home, 'resume', digest);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain('is cancelled: it cannot be changed');
    const unknown = await herald(local.home, 'pause', 'd_000000000000000000000000');
    expect(unknown.stderr).toContain('there is no digest d_000000000000000000000000');
  });

  it('sends a digest on after its queue lost every job: resume --requeue, and nobody mailed twice', async () => {
    const zh = Array.from({ length: 60 }, (_, i) => `zh${i}@example.org`);
    for (const email of zh) await addReader(local.stack, email, 'zh');
    await herald(local.home, 'sending', 'off');
    const digest = await publishFor('zh-state-visit.txt', 'zh');
    expect((await herald(local.home, 'digest', 'approve', digest)).stdout).toContain(
      '60 recipients in 2 jobs',
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // The queue loses everything it holds (as when the local stack is killed outright): drained until
    // no job is left anywhere in it, not even one a sender was holding back.
    const sqs = new SQSClient({});
    const QueueUrl = local.stack.config.queues.send;
    await waitFor(
      'an empty send queue',
      async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 60,
            WaitTimeSeconds: 1,
          }),
        );
        for (const message of Messages)
          await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
        const { Attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
        );
        return (
          Number(Attributes.ApproximateNumberOfMessages) +
            Number(Attributes.ApproximateNumberOfMessagesNotVisible) +
            Number(Attributes.ApproximateNumberOfMessagesDelayed) ===
          0
        );
        // The senders (four batches at once) take the jobs too and put them back, deferred while sending is
        // off: this drain races them, and may need several rounds on a loaded machine.
      },
      60_000,
    );
    await herald(local.home, 'sending', 'on');
    expect(await statusOf(digest)).toMatch(/pending\s+60\n/);

    const resumed = await herald(local.home, 'resume', digest, '--requeue');
    expect(resumed.stdout).toContain('60 readers not mailed yet were queued again');
    await waitFor('the digest to be done', async () => /status\s+done/.test(await statusOf(digest)), 60_000);
    for (const email of zh) expect(await mailTo(local.stack, email)).toHaveLength(1);
  });
});
