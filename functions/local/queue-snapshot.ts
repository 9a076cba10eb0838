import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

type Snapshot = Record<string, string[]>;

/**
 * The SQS emulator keeps messages in memory, so at a clean shutdown the messages still waiting are
 * written to a file under HERALD_HOME and put back at the next start: work accepted is never lost.
 */
export async function saveQueues(file: string, queues: Readonly<Record<string, string>>): Promise<number> {
  const sqs = new SQSClient({});
  const snapshot: Snapshot = {};
  let count = 0;
  for (const [name, url] of Object.entries(queues)) {
    const bodies: string[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 300,
        }),
      );
      if (Messages.length === 0) break;
      bodies.push(...Messages.map((m) => m.Body ?? ''));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    if (bodies.length > 0) snapshot[name] = bodies;
    count += bodies.length;
  }
  if (count > 0) await writeFile(file, JSON.stringify(snapshot));
  return count;
}

export async function restoreQueues(file: string, queues: Readonly<Record<string, string>>): Promise<number> {
  if (!existsSync(file)) return 0;
  const snapshot = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  const sqs = new SQSClient({});
  let count = 0;
  for (const [name, bodies] of Object.entries(snapshot)) {
    const url = Object.hasOwn(queues, name) ? queues[name] : undefined;
    if (!url) continue;
    for (let start = 0; start < bodies.length; start += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: bodies.slice(start, start + 10).map((body, i) => ({ Id: String(i), MessageBody: body })),
        }),
      );
    }
    count += bodies.length;
  }
  await rm(file);
  return count;
}
