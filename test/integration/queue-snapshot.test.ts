import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { freePorts, startTestStack, tempHome } from '../support/local-stack.ts';

describe('messages waiting in a queue when the local stack stops', () => {
  it('are put back at the next start (here, a dead letter nobody polls)', async () => {
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
