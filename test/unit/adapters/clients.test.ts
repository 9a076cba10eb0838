import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { REQUEST_HANDLER } from '#adapters/clients.ts';

describe("the SDK clients' request settings", () => {
  it('give up on a call that never answers (a hung request fails and is retried, it does not hold the function)', async () => {
    // Accepts the connection, never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const client = new SQSClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
      // Herald's settings, with a shorter timeout so the test does not wait 15 seconds.
      requestHandler: { ...REQUEST_HANDLER, requestTimeout: 300 },
    });
    try {
      await expect(client.send(new GetQueueUrlCommand({ QueueName: 'q' }))).rejects.toThrow(/timeout/i);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  }, 10_000);
});
