import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recordingCalls } from '#adapters/call-record.ts';
import { tracer } from '#adapters/tracing.ts';

/**
 * SDK clients, one per process, created on first use. They read region, credentials and endpoints
 * (`AWS_ENDPOINT_URL_<SERVICE>`) from the environment: the same code on AWS and on the local stack.
 */
function once<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= create();
    return value;
  };
}

/**
 * How long a call may take. `throwOnRequestTimeout`: without it the SDK only logs a warning when the
 * request timeout passes and keeps waiting — a hung SES or DynamoDB call would hold a sender until its
 * Lambda timeout instead of failing and being retried.
 */
export const REQUEST_HANDLER = {
  requestTimeout: 15_000,
  connectionTimeout: 5_000,
  throwOnRequestTimeout: true,
};
const requestHandler = REQUEST_HANDLER;
/**
 * For the clients called once per recipient: the SDK builds a command's middleware chain once per
 * command class instead of on every call (`cacheMiddleware`), which saves a tenth of a millisecond or
 * more of CPU per call. Herald never changes a client's middleware after it is made, which is what
 * the option asks for.
 */
const perRecipient = { cacheMiddleware: true } as const;

export const s3Client = once(() =>
  tracer.captureAWSv3Client(
    recordingCalls(
      new S3Client({ requestHandler, forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) }),
      's3',
    ),
  ),
);
export const sqsClient = once(() =>
  tracer.captureAWSv3Client(recordingCalls(new SQSClient({ requestHandler }), 'sqs')),
);
/** What every SES call waits for as it leaves the SDK: nothing, until {@link gateSesCalls} sets it. */
let sesGate: ((mails: number) => Promise<() => void>) | undefined;

/**
 * Makes every SES call of this process pass `gate` at the last step before the socket (after it was
 * signed), with the mails it carries (a bulk call's entries; one otherwise): the digest sender's late
 * ceiling, so calls that bunched up on their way through the pace and the SDK are held back where SES
 * will count them — every recipient, as SES counts against its rate. The function the gate hands back
 * is called when SES answered (or the call failed): the ceiling counts the call from then.
 */
export function gateSesCalls(gate: (mails: number) => Promise<() => void>): void {
  sesGate = gate;
}

/** The mails one SES call carries, as SES counts them against the account's rate. */
function mailsIn(input: unknown): number {
  const entries = (input as { BulkEmailEntries?: unknown[] } | undefined)?.BulkEmailEntries;
  return Array.isArray(entries) ? Math.max(1, entries.length) : 1;
}

// One attempt only: the sender paces and retries SES itself, so SDK retries never slip past its rate.
// Not traced: the sender's calls are many and alike (see `tracing.ts`).
export const sesClient = once(() => {
  const client = new SESv2Client({ requestHandler, maxAttempts: 1, ...perRecipient });
  // Low priority in the last step before the request is sent: after the retry and signing middleware.
  client.middlewareStack.add(
    (next) => async (args) => {
      if (!sesGate) return next(args);
      const settle = await sesGate(mailsIn(args.input));
      try {
        return await next(args);
      } finally {
        settle();
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'heraldSesGate' },
  );
  return recordingCalls(client, 'ses');
});
/**
 * The plain DynamoDB client, for the one write made per recipient (the ledger claim). The document
 * client below is easier to write for, but its marshalling layer costs CPU on every call and does not
 * allow `cacheMiddleware`.
 */
export const dynamoClient = once(() =>
  recordingCalls(new DynamoDBClient({ requestHandler, ...perRecipient }), 'dynamodb'),
);
// Traced: everything but the per-recipient claim goes through it.
export const dynamoDocumentClient = once(() =>
  DynamoDBDocumentClient.from(
    tracer.captureAWSv3Client(recordingCalls(new DynamoDBClient({ requestHandler }), 'dynamodb')),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  ),
);
