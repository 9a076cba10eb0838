import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3_PREFIXES } from '#config/contract/storage.ts';
import { type DynamoEngine, dynamoDataDirectory, dynamoEngineFromEnv } from '#local/dynamodb-engine.ts';
import { startEmulators } from '#local/emulators.ts';
import {
  applyLocalEnvironment,
  ensureLocalKeys,
  handlerEnvironment,
  type LocalConfig,
  localConfigPath,
  localKeysIn,
} from '#local/environment.ts';
import { startHttpServer } from '#local/http-server.ts';
import { lambda } from '#local/lambda.ts';
import { type SqsHandler, SqsPoller } from '#local/poller.ts';
import { provision } from '#local/provision.ts';
import { restoreQueues, saveQueues } from '#local/queue-snapshot.ts';
import { S3NotificationForwarder } from '#local/s3-notifications.ts';
import { LocalSchedule } from '#local/scheduler.ts';
import { SENDER_BATCH } from '#local/sender-batch.ts';
import type { SesFront } from '#local/ses-front.ts';
import { webRoutes } from '#local/web-routes.ts';

export interface LocalPorts {
  readonly s3: number;
  readonly sqs: number;
  readonly dynamodb: number;
  readonly ses: number;
  readonly web: number;
}

/** Fixed defaults, each overridable: HERALD_S3_PORT, HERALD_SQS_PORT, HERALD_DYNAMODB_PORT, HERALD_SES_PORT, HERALD_WEB_PORT. */
export const DEFAULT_PORTS: LocalPorts = { s3: 4569, sqs: 9324, dynamodb: 4567, ses: 8005, web: 3000 };

export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): LocalPorts {
  const read = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`${name} must be a port number from 0 to 65535, not "${value}"`);
    }
    return port;
  };
  return {
    s3: read('HERALD_S3_PORT', DEFAULT_PORTS.s3),
    sqs: read('HERALD_SQS_PORT', DEFAULT_PORTS.sqs),
    dynamodb: read('HERALD_DYNAMODB_PORT', DEFAULT_PORTS.dynamodb),
    ses: read('HERALD_SES_PORT', DEFAULT_PORTS.ses),
    web: read('HERALD_WEB_PORT', DEFAULT_PORTS.web),
  };
}

export interface LocalStackOptions {
  readonly home: string;
  readonly ports: LocalPorts;
  /** Wipe HERALD_HOME first. */
  readonly reset?: boolean;
  /** How long the ingest poller waits to fill a batch after the first document (Lambda's batching window). */
  readonly batchWindowMs?: number;
  /** One line of progress for a person watching. */
  readonly log?: (line: string) => void;
  /**
   * Run the sender in a child process of its own (restarted when it dies, as Lambda would start a new
   * environment), instead of in this one.
   */
  readonly senderProcess?: boolean;
  /**
   * Run ingest, the public-mail worker and the schedule in a child process of their own (restarted when
   * it dies), so parsing and rendering never hold up the web server's event loop.
   */
  readonly workerProcess?: boolean;
  /** Which DynamoDB runs: dynalite, or Amazon DynamoDB Local (default: HERALD_DYNAMODB, else dynalite). */
  readonly dynamodb?: DynamoEngine;
}

export interface LocalStack {
  readonly config: LocalConfig;
  /** The sender's process id, when it runs in a process of its own. */
  senderPid(): number | undefined;
  /** The worker's process id (ingest, public mail, schedule), when it runs in a process of its own. */
  workerPid(): number | undefined;
  /** The strict SES front (its account can be changed while running: a sandbox, a lower rate). */
  readonly sesFront: SesFront;
  /** The DynamoDB engine that runs, and its Java process when it is Amazon DynamoDB Local. */
  readonly dynamodb: { readonly engine: DynamoEngine; readonly pid: number | undefined };
  stop(): Promise<void>;
}

const REGION = 'us-east-1';
const BUCKET = 'herald-local';
const TABLE = 'herald-local';
const DOCUMENTS_PREFIX = S3_PREFIXES.documents;

/**
 * Starts Herald on one machine: S3, SQS, DynamoDB and SES emulators, the S3 → SQS notification, the
 * pollers that run the ingest and sender handlers exactly as Lambda would, and the web server.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const { home } = options;
  const engine = options.dynamodb ?? dynamoEngineFromEnv();
  if (options.reset) await rm(home, { recursive: true, force: true });
  const fresh = !existsSync(dynamoDataDirectory(engine, home));
  await mkdir(home, { recursive: true });
  await ensureLocalKeys(home);

  const emulators = await startEmulators(home, options.ports, { dynamodb: engine });
  const stops: Array<() => Promise<void>> = [() => emulators.close()];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const provisional: LocalConfig = {
      region: REGION,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      bucket: BUCKET,
      documentsPrefix: DOCUMENTS_PREFIX,
      table: TABLE,
      queues: { ingest: '', ingestDlq: '', send: '', sendDlq: '', publicMail: '', publicMailDlq: '' },
      publicBaseUrl: '',
      endpoints: {
        s3: emulators.endpoints.s3,
        sqs: emulators.endpoints.sqs,
        sesv2: emulators.endpoints.ses,
        dynamodb: emulators.endpoints.dynamodb,
        web: '',
        outbox: `${emulators.endpoints.ses}/`,
      },
      pid: process.pid,
    };
    applyLocalEnvironment(provisional);
    const resources = await provision({ bucket: BUCKET, table: TABLE });
    const snapshotFile = path.join(home, 'queues.json');
    const restored = await restoreQueues(snapshotFile, resources.queues);
    if (restored > 0) log(`resumed ${restored} queued messages from the last run`);

    const web = await startHttpServer('127.0.0.1', options.ports.web, webRoutes(), (error) =>
      log(`web: ${describe(error)}`),
    );
    stops.push(() => web.close());
    const config: LocalConfig = {
      ...provisional,
      queues: resources.queues,
      publicBaseUrl: process.env.HERALD_PUBLIC_BASE_URL || web.url,
      endpoints: { ...provisional.endpoints, web: web.url },
    };

    Object.assign(process.env, handlerEnvironment(config), localKeysIn(home));
    // The configuration set's EventBridge destination, locally: the events of the mailbox simulator
    // reach the ses-events handler, as the CDK's rule sends SES's on AWS.
    const sesEvents = lambda('ses-events', () => import('#handlers/ses-events.ts'));
    emulators.sesFront.onEvent(
      async (event) => (await sesEvents()).handler(event),
      (error) => log(`ses events: ${describe(error)}`),
    );
    if (process.env.HERALD_SES_ENDPOINT) process.env.AWS_ENDPOINT_URL_SESV2 = process.env.HERALD_SES_ENDPOINT;

    const forwarder = new S3NotificationForwarder(
      {
        bucket: BUCKET,
        prefix: DOCUMENTS_PREFIX,
        queueUrl: resources.queues.ingest,
        events: ['ObjectCreated:', 'ObjectRemoved:'],
      },
      (error) => log(`s3 notification: ${String(error)}`),
    );
    emulators.onS3Event((event) => forwarder.handle(event));
    if (fresh) await forwarder.sendTestEvent();

    const batchWindowMs = options.batchWindowMs ?? 1000;
    const pollers = [
      ...(options.workerProcess ? [] : workPollers(config, batchWindowMs, log)),
      ...(options.senderProcess
        ? []
        : [
            senderPoller({ region: REGION, queues: resources.queues }, (error) =>
              log(`sender: ${describe(error)}`),
            ),
          ]),
    ];
    for (const poller of pollers) poller.start();
    const schedule = options.workerProcess ? undefined : localSchedule(log);
    schedule?.start();

    await writeFile(localConfigPath(home), `${JSON.stringify(config, null, 2)}\n`);
    const sender = options.senderProcess ? supervise('sender', 'sender-process.ts', home, log) : undefined;
    const worker = options.workerProcess
      ? supervise('worker', 'worker-process.ts', home, log, { HERALD_BATCH_WINDOW_MS: String(batchWindowMs) })
      : undefined;

    // Stop in the order that loses nothing: no new requests; running batches finish (uploads are still
    // accepted and queued meanwhile); then S3 closes, its last events are queued, and every message
    // still waiting is saved for the next start.
    const stop = async () => {
      await rm(localConfigPath(home), { force: true });
      await web.close();
      await schedule?.stop();
      await worker?.stop();
      await sender?.stop();
      await Promise.all(pollers.map((poller) => poller.stop()));
      await emulators.closeS3();
      await forwarder.stop();
      const saved = await saveQueues(snapshotFile, resources.queues);
      if (saved > 0) log(`saved ${saved} queued messages for the next start`);
      await emulators.close();
    };
    return {
      config,
      stop,
      senderPid: () => sender?.pid(),
      workerPid: () => worker?.pid(),
      sesFront: emulators.sesFront,
      dynamodb: { engine, pid: emulators.dynamodbPid },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * The sender's event source: the send queue, in {@link SENDER_BATCH}es, and a visibility timeout
 * (HERALD_SEND_VISIBILITY_SECONDS, default 60) after which a batch a dead sender held comes back.
 */
export function senderPoller(
  config: { region: string; queues: { send: string } },
  onError: (error: unknown) => void,
): SqsPoller {
  return new SqsPoller({
    name: 'herald-sender',
    queueUrl: config.queues.send,
    queueArn: `arn:aws:sqs:${config.region}:000000000000:herald-send`,
    region: config.region,
    handler: sqsHandler(lambda('sender', () => import('#handlers/sender.ts'))),
    batchSize: SENDER_BATCH.batchSize,
    batchWindowMs: 0,
    concurrency: SENDER_BATCH.concurrency,
    visibilityTimeoutSeconds: Number(process.env.HERALD_SEND_VISIBILITY_SECONDS || 60),
    onError,
  });
}

/**
 * What a local "Lambda" does besides sending: ingest (batched as the event source's batching window
 * does) and the public-mail worker, each turning its queue's messages into the SQS events AWS would send.
 */
export function workPollers(
  config: Pick<LocalConfig, 'region' | 'queues'>,
  batchWindowMs: number,
  log: (line: string) => void,
): SqsPoller[] {
  const poller = (
    name: string,
    queueUrl: string,
    load: () => Promise<{ handler: SqsHandler }>,
    windowMs: number,
  ) =>
    new SqsPoller({
      name: `herald-${name}`,
      queueUrl,
      queueArn: `arn:aws:sqs:${config.region}:000000000000:herald-${name}`,
      region: config.region,
      handler: sqsHandler(load),
      batchSize: 10,
      batchWindowMs: windowMs,
      concurrency: 1,
      visibilityTimeoutSeconds: 60,
      onError: (error) => log(`${name}: ${describe(error)}`),
    });
  return [
    poller(
      'ingest',
      config.queues.ingest,
      lambda('ingest', () => import('#handlers/ingest.ts')),
      batchWindowMs,
    ),
    // The public's mails (confirmations, welcomes, data links, suggestions): one worker, as its pace assumes.
    poller(
      'public-mail',
      config.queues.publicMail,
      lambda('public-mail', () => import('#handlers/public-mail.ts')),
      0,
    ),
  ];
}

const scheduledDigest = lambda('scheduled-digest', () => import('#handlers/scheduled-digest.ts'));

/** The local stand-in for EventBridge Scheduler: daily and weekly digests at their time. */
export function localSchedule(log: (line: string) => void): LocalSchedule {
  return new LocalSchedule({
    timeZone: process.env.HERALD_TIME_ZONE || 'UTC',
    dailyAt: process.env.HERALD_DAILY_AT || '08:00',
    weeklyOn: process.env.HERALD_WEEKLY_ON || 'MON',
    run: async (cadence) => {
      const { handler } = await scheduledDigest();
      const run = await handler({ cadence });
      log(`${cadence} digest: ${run.articles} new articles, ${run.digests.length} digests planned`);
    },
    onError: (error) => log(`scheduled digest: ${describe(error)}`),
  });
}

/** Runs a process of the local stack (`entry` beside this file), and starts it again when it dies, until stopped. */
function supervise(
  name: string,
  file: string,
  home: string,
  log: (line: string) => void,
  environment: Record<string, string> = {},
) {
  const entry = fileURLToPath(new URL(`./${file}`, import.meta.url));
  let child: ChildProcess | undefined;
  let stopping = false;
  const start = () => {
    // The same Node options as this process, with the TypeScript loader (a test runner may not have it).
    const loader = process.execArgv.some((arg) => arg.includes('tsx')) ? [] : ['--import', 'tsx'];
    const options = process.execArgv.filter((arg) => !arg.startsWith('--inspect'));
    child = spawn(process.execPath, [...options, ...loader, entry], {
      env: { ...process.env, ...environment, HERALD_HOME: home },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    log(`${name} running (pid ${child.pid})`);
    child.once('exit', (code, signal) => {
      // A signal to the whole process group (Ctrl-C) reaches the child first: wait to see whether the
      // stack is stopping too before saying anything.
      setTimeout(() => {
        if (stopping) return;
        log(`${name} exited (${signal ?? `code ${code}`}): starting a new one`);
        start();
      }, 500);
    });
  };
  start();
  return {
    pid: () => child?.pid,
    stop: async () => {
      stopping = true;
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGTERM');
      });
    },
  };
}

function sqsHandler(load: () => Promise<{ handler: SqsHandler }>) {
  return async () => (await load()).handler;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
