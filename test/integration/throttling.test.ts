import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureDocument } from '../support/documents.ts';
import { addReader, outbox, upload, useLocalStack, waitFor } from '../support/local-stack.ts';

// Read by the sender when it first loads, in this process: a throttled job comes back after about a second.
process.env.HERALD_THROTTLE_DEFER_SECONDS = '1';

const local = useLocalStack();
let proxy: Server;
const calls = { sends: 0, throttled: 0 };
/** How many calls in every ten are refused, back to back. */
let refusedInTen = 3;

/**
 * A small fault proxy in front of the SES emulator: it refuses 3 of every 10 SendEmail calls before they
 * reach SES, exactly as SES throttles (HTTP 429, TooManyRequestsException), and forwards the rest.
 */
beforeAll(async () => {
  const target = new URL(local.stack.config.endpoints.sesv2);
  proxy = createServer((req, res) => {
    const isSend = req.method === 'POST' && req.url?.startsWith('/v2/email/outbound-emails');
    if (isSend && calls.sends++ % 10 < refusedInTen) {
      calls.throttled++;
      req.resume();
      res.writeHead(429, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'TooManyRequestsException',
      });
      res.end(JSON.stringify({ message: 'Maximum sending rate exceeded.' }));
      return;
    }
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  process.env.AWS_ENDPOINT_URL_SESV2 = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => proxy?.close(() => resolve())));

describe('when SES throttles 30 % of calls', () => {
  it('every reader still gets exactly one mail, and nothing ends in the dead-letter queue', async () => {
    const readers = Array.from({ length: 40 }, (_, i) => `throttled${i}@example.org`);
    for (const email of readers) await addReader(local.stack, email, 'en');
    await upload(local.stack, 'documents/grain/en.md', fixtureDocument('markdown/grain-corridor.en.md'));

    const delivered = async () => {
      const mails = await outbox(local.stack);
      return readers.map((email) => mails.filter((m) => m.destination.to.includes(email)).length);
    };
    await waitFor('every reader', async () => (await delivered()).every((n) => n >= 1), 45_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await delivered()).toEqual(readers.map(() => 1));
    expect(calls.throttled).toBeGreaterThan(10);

    const { Attributes } = await new SQSClient({}).send(
      new GetQueueAttributesCommand({
        QueueUrl: local.stack.config.queues.sendDlq,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
  });

  it('defers what throttling holds up for longer than the retries, and still mails everyone once', async () => {
    // Six refusals in a row outlast the sender's retries: the rest of the job must come back later.
    refusedInTen = 6;
    calls.sends = 0;
    const readers = Array.from({ length: 30 }, (_, i) => `deferred${i}@example.org`);
    for (const email of readers) await addReader(local.stack, email, 'fr');
    await upload(local.stack, 'documents/grain/fr.md', fixtureDocument('markdown/grain-corridor.fr.md'));
    const delivered = async () => {
      const mails = await outbox(local.stack);
      return readers.map((email) => mails.filter((m) => m.destination.to.includes(email)).length);
    };
    await waitFor('every reader', async () => (await delivered()).every((n) => n >= 1), 50_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await delivered()).toEqual(readers.map(() => 1));
  });
});
