import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sesModule from 'aws-ses-v2-local';
import { createSqsServer } from 'local-aws-sqs';
import S3rver from 's3rver';
import { type DynamoEngine, startDynamo } from '#local/dynamodb-engine.ts';
import { localSesAccount } from '#local/ses-account.ts';
import { type SesFront, startSesFront } from '#local/ses-front.ts';

export interface EmulatorPorts {
  readonly s3: number;
  readonly sqs: number;
  readonly dynamodb: number;
  readonly ses: number;
}

export interface S3ObjectEvent {
  readonly Records: ReadonlyArray<
    Record<string, unknown> & { eventName: string; s3: { bucket: { name: string }; object: { key: string } } }
  >;
}

export interface Emulators {
  readonly endpoints: {
    readonly s3: string;
    readonly sqs: string;
    readonly dynamodb: string;
    readonly ses: string;
  };
  /** The strict SES front clients reach at `endpoints.ses` (the emulator stands behind it). */
  readonly sesFront: SesFront;
  /** s3rver's object events (every bucket, keys not URL-encoded). */
  onS3Event(listener: (event: S3ObjectEvent) => void): void;
  /** The Java process of Amazon DynamoDB Local, when it runs (dynalite runs in this process). */
  readonly dynamodbPid: number | undefined;
  /** Stops S3 alone: no more uploads (and so no more events) are accepted. */
  closeS3(): Promise<void>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

// aws-ses-v2-local is CommonJS with `exports.default`; Node's ESM import hands over the exports object.
type StartSes = (config: { host: string; port: number }) => Promise<Server>;
/** Starts the SES emulator itself (the strict front goes before it). */
export const sesServer = ((sesModule as unknown as { default?: StartSes }).default ?? sesModule) as StartSes;

/**
 * s3rver stores an object as a file named by its key, so `documents/../../x` would be written outside its
 * folder. AWS takes such keys literally; Herald's local S3 refuses them (and Herald never ingests them
 * anywhere): any key or copy source with a `.`, `..` or empty segment answers 400 InvalidArgument.
 */
function refuseUnsafeKeys(s3: S3rver): void {
  const middleware = (s3 as unknown as { middleware: unknown[] }).middleware;
  const unsafe = (path: string) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return true;
    }
    // Path style: /bucket/key; the bucket itself, and listing a bucket (no key), are fine.
    const key = decoded.replace(/^\/[^/]*\/?/, '');
    if (key === '') return false;
    return key
      .split('/')
      .some(
        (segment, i, all) => segment === '..' || segment === '.' || (segment === '' && i < all.length - 1),
      );
  };
  middleware.unshift(async (ctx: KoaContext, next: () => Promise<void>) => {
    const copySource = ctx.get('x-amz-copy-source').split('?')[0] ?? '';
    if (
      unsafe(ctx.path) ||
      (copySource && unsafe(copySource.startsWith('/') ? copySource : `/${copySource}`))
    ) {
      ctx.status = 400;
      ctx.type = 'application/xml';
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code><Message>Herald\'s local S3 refuses object keys with a ".", ".." or empty segment</Message></Error>';
      return;
    }
    if (ctx.method === 'DELETE' && !('delete' in ctx.query)) return deleteMarker(s3, ctx, next);
    await next();
  });
}

interface KoaContext {
  path: string;
  method: string;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  ip: string;
  get(name: string): string;
  status: number;
  type: string;
  body: string;
}

// s3rver's own event record, for the one event it does not send.
const S3Event = createRequire(import.meta.url)('s3rver/lib/models/event.js') as new (
  data: { bucket: string; eventType: 'Delete'; S3Item: { key: string } },
  request: { reqHeaders: unknown; sourceIp: string },
) => object;

/**
 * A delete of a key that holds no object: s3rver answers 204 and says nothing more, but Herald's bucket on
 * AWS keeps versions, where such a delete makes a delete marker and an `ObjectRemoved` event. The local
 * S3 sends that event too, so deleting a document whose upload was quarantined still withdraws its
 * article, as on AWS.
 */
async function deleteMarker(s3: S3rver, ctx: KoaContext, next: () => Promise<void>): Promise<void> {
  const [bucket, ...rest] = decodeURIComponent(ctx.path).replace(/^\//, '').split('/');
  const key = rest.join('/');
  const store = (s3 as unknown as { store: { existsObject(b: string, k: string): Promise<boolean> } }).store;
  const existed =
    key !== '' && bucket !== undefined && (await store.existsObject(bucket, key).catch(() => true));
  await next();
  if (key !== '' && bucket && !existed && ctx.status === 204)
    s3.emit(
      'event',
      new S3Event(
        { bucket, eventType: 'Delete', S3Item: { key } },
        { reqHeaders: ctx.headers, sourceIp: ctx.ip },
      ),
    );
}

const urlOf = (server: Server) => `http://${HOST}:${(server.address() as AddressInfo).port}`;

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/**
 * Starts the four emulators in this process on 127.0.0.1 (port 0 picks a free port). S3 objects and
 * DynamoDB items persist under `home`; SQS and the SES outbox live in memory. DynamoDB is dynalite, or
 * with `dynamodb: 'amazon'` Amazon DynamoDB Local in a Java child process.
 */
export async function startEmulators(
  home: string,
  ports: EmulatorPorts,
  options: { readonly dynamodb?: DynamoEngine } = {},
): Promise<Emulators> {
  const s3 = new S3rver({
    address: HOST,
    port: ports.s3,
    directory: path.join(home, 's3'),
    silent: true,
    allowMismatchedSignatures: true,
  });
  refuseUnsafeKeys(s3);
  const started: Array<() => Promise<void>> = [];
  try {
    await s3.run();
    const s3Server = (s3 as unknown as { httpServer: Server }).httpServer;
    let s3Closed: Promise<void> | undefined;
    const closeS3 = () => {
      s3Closed ??= closeServer(s3Server);
      return s3Closed;
    };
    started.push(closeS3);

    const sqs = await createSqsServer({
      port: ports.sqs,
      hostname: HOST,
      emulateQueueCreationLifecycle: false,
    });
    started.push(() => closeServer(sqs));

    const dynamo = await startDynamo(options.dynamodb ?? 'dynalite', home, ports.dynamodb);
    started.push(() => dynamo.close());

    // The emulator takes any From, recipient and header: it listens on a port of its own, and the
    // strict front, which refuses what SES refuses, takes the SES port.
    const ses = await sesServer({ host: HOST, port: 0 });
    started.push(() => closeServer(ses));
    const sesFront = await startSesFront({
      host: HOST,
      port: ports.ses,
      target: urlOf(ses),
      account: localSesAccount(),
    });
    started.push(() => sesFront.close());

    return {
      endpoints: { s3: urlOf(s3Server), sqs: urlOf(sqs), dynamodb: dynamo.url, ses: sesFront.url },
      sesFront,
      dynamodbPid: dynamo.pid,
      onS3Event: (listener) => s3.on('event', listener),
      closeS3,
      close: async () => {
        for (const stop of started.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}
