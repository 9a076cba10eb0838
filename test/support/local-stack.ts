import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll } from 'vitest';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { DynamoSuppressionList } from '#adapters/dynamodb-suppressions.ts';
import { parseAddressKey, parseTokenKeys } from '#config/env.ts';
import type { Language } from '#core/i18n/languages.ts';
import { subscriberIdFor } from '#core/subscriptions/address-hash.ts';
import { addConfirmedSubscriber } from '#core/subscriptions/manage.ts';
import type { Cadence } from '#core/subscriptions/subscriber.ts';
import { type LocalPorts, type LocalStack, startLocalStack } from '#local/stack.ts';

/** A mail as the SES emulator's outbox (`GET /store`) reports it. */
export interface OutboxMail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: Array<{ name: string; value: string }>;
}

export const ANY_FREE_PORTS: LocalPorts = { s3: 0, sqs: 0, dynamodb: 0, ses: 0, web: 0 };

/** Free ports picked now, for a stack that must come back on the same ports after a restart. */
export async function freePorts(): Promise<LocalPorts> {
  const one = () =>
    new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
  return { s3: await one(), sqs: await one(), dynamodb: await one(), ses: await one(), web: await one() };
}

export async function tempHome(): Promise<{ home: string; remove(): Promise<void> }> {
  const home = await mkdtemp(path.join(tmpdir(), 'herald-test-'));
  return { home, remove: () => rm(home, { recursive: true, force: true }) };
}

export function startTestStack(
  home: string,
  ports: LocalPorts = ANY_FREE_PORTS,
  options: { senderProcess?: boolean; workerProcess?: boolean } = {},
): Promise<LocalStack> {
  // HERALD_TEST_LOG=1 shows the stack's own progress lines (handler errors included) while a test runs.
  const log = process.env.HERALD_TEST_LOG ? (line: string) => console.error(`[stack] ${line}`) : undefined;
  return startLocalStack({ home, ports, batchWindowMs: 200, log, ...options });
}

/** How many send jobs wait in the send queue's dead-letter queue. */
export async function sendDeadLetters(stack: LocalStack): Promise<number> {
  const { Attributes } = await new SQSClient({}).send(
    new GetQueueAttributesCommand({
      QueueUrl: stack.config.queues.sendDlq,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages);
}

export async function outbox(stack: LocalStack): Promise<OutboxMail[]> {
  const response = await fetch(`${stack.config.endpoints.sesv2}/store`);
  return ((await response.json()) as { emails: OutboxMail[] }).emails;
}

export async function mailTo(stack: LocalStack, address: string): Promise<OutboxMail[]> {
  return (await outbox(stack)).filter((mail) => mail.destination.to.includes(address));
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs` with `what`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function addReader(
  stack: LocalStack,
  email: string,
  lang: Language,
  cadence: Cadence = 'immediate',
) {
  const { subscriber } = await addConfirmedSubscriber(
    {
      subscribers: new DynamoSubscriberStore(stack.config.table),
      suppressions: new DynamoSuppressionList(stack.config.table),
    },
    stackAddressKey(),
    { email, lang, cadence, source: 'test' },
    new Date(),
  );
  if (!subscriber) throw new Error(`${email} could not be added`);
  return subscriber;
}

export async function upload(stack: LocalStack, key: string, body: Buffer | string) {
  const s3 = new S3Client({ forcePathStyle: true });
  await s3.send(new PutObjectCommand({ Bucket: stack.config.bucket, Key: key, Body: body }));
}

export function header(mail: OutboxMail, name: string): string | undefined {
  return mail.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/**
 * One embedded stack for a whole test file, on free ports in a fresh HERALD_HOME, stopped and wiped
 * afterwards. Read `stack` and `home` inside tests (they are set before the first one runs).
 */
export function useLocalStack(options: { senderProcess?: boolean; workerProcess?: boolean } = {}): {
  readonly stack: LocalStack;
  readonly home: string;
} {
  const handle = {} as { stack: LocalStack; home: string };
  let remove: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const temp = await tempHome();
    remove = temp.remove;
    handle.home = temp.home;
    handle.stack = await startTestStack(temp.home, ANY_FREE_PORTS, options);
  });
  afterAll(async () => {
    await handle.stack?.stop();
    await remove?.();
  });
  return handle;
}

/** The running stack's token keys (the stack runs in this process and keeps them in the environment). */
export function stackTokenKeys() {
  return parseTokenKeys(process.env.HERALD_TOKEN_KEYS ?? '', 'HERALD_TOKEN_KEYS');
}

/** The running stack's address key (kept in the environment like the token keys). */
export function stackAddressKey() {
  return parseAddressKey(process.env.HERALD_ADDRESS_KEY ?? '', 'HERALD_ADDRESS_KEY');
}

/** A subscriber's id on the running stack. */
export const stackIdFor = (email: string) => subscriberIdFor(stackAddressKey(), email);
