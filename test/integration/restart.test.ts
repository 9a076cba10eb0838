import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import type { LocalStack } from '#local/stack.ts';
import { fixturePage } from '../support/fixtures.ts';
import {
  addReader,
  freePorts,
  mailTo,
  startTestStack,
  tempHome,
  upload,
  waitFor,
} from '../support/local-stack.ts';

const { home, remove } = await tempHome();
let stack: LocalStack | undefined;
afterAll(async () => {
  await stack?.stop();
  await remove();
});

describe('stopping and starting the local stack', () => {
  it('keeps subscribers and resumes a document accepted just before the stop: mailed once, not lost', async () => {
    const ports = await freePorts();
    stack = await startTestStack(home, ports);
    const reader = await addReader(stack, 'resume@example.org', 'en');

    await upload(stack, 'documents/resume/en.txt', fixturePage('en-state-visit.txt'));
    await stack.stop();

    stack = await startTestStack(home, ports);
    const store = new DynamoSubscriberStore(stack.config.table);
    expect((await store.get(reader.id))?.status).toBe('confirmed');
    await waitFor(
      'the digest after the restart',
      async () => (await mailTo(stack!, 'resume@example.org')).length > 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await mailTo(stack, 'resume@example.org')).toHaveLength(1);
  });

  it('does not mail the same document again after a restart', async () => {
    await upload(stack!, 'documents/resume/en.txt', fixturePage('en-state-visit.txt'));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await mailTo(stack!, 'resume@example.org')).toHaveLength(1);
  });

  it('keeps messages waiting in a queue across a restart (here, a dead letter nobody polls)', async () => {
    const ports = await freePorts();
    const { home: otherHome, remove: removeOther } = await tempHome();
    try {
      let local = await startTestStack(otherHome, ports);
      const sqs = new SQSClient({});
      await sqs.send(
        new SendMessageCommand({ QueueUrl: local.config.queues.sendDlq, MessageBody: '{"digestId":"d_1"}' }),
      );
      await local.stop();

      local = await startTestStack(otherHome, ports);
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: local.config.queues.sendDlq,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
        }),
      );
      await local.stop();
      expect(Messages.map((m) => m.Body)).toEqual(['{"digestId":"d_1"}']);
    } finally {
      await removeOther();
    }
  });
});
