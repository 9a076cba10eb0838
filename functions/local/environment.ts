import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What `npm start` writes to `$HERALD_HOME/local.json`: everything a client needs to reach it. */
export interface LocalConfig {
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly bucket: string;
  readonly documentsPrefix: string;
  readonly table: string;
  readonly queues: Readonly<Record<'ingest' | 'ingestDlq' | 'send' | 'sendDlq', string>>;
  /** The base of the links in mail (the web server unless HERALD_PUBLIC_BASE_URL says otherwise). */
  readonly publicBaseUrl: string;
  readonly endpoints: {
    readonly s3: string;
    readonly sqs: string;
    readonly sesv2: string;
    readonly dynamodb: string;
    readonly web: string;
    /** The emulator's outbox: a web page at `/`, JSON at `/store`. */
    readonly outbox: string;
  };
  readonly pid: number;
}

export const DEFAULT_HOME = '.herald';

export function heraldHome(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.HERALD_HOME || DEFAULT_HOME);
}

export const localConfigPath = (home: string) => path.join(home, 'local.json');

/**
 * Points the AWS SDK at the local stack. The SDK reads these variables itself, so production code keeps
 * `new XClient({})`. Checksums only when required: s3rver corrupts streamed uploads otherwise.
 */
export function applyLocalEnvironment(config: LocalConfig, env: NodeJS.ProcessEnv = process.env): void {
  Object.assign(env, {
    AWS_REGION: config.region,
    AWS_ACCESS_KEY_ID: config.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.credentials.secretAccessKey,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_S3: config.endpoints.s3,
    AWS_ENDPOINT_URL_SQS: config.endpoints.sqs,
    AWS_ENDPOINT_URL_SESV2: config.endpoints.sesv2,
    AWS_ENDPOINT_URL_DYNAMODB: config.endpoints.dynamodb,
  });
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
}

export class LocalStackNotRunningError extends Error {
  override readonly name = 'LocalStackNotRunningError';
}

/** Reads the running local stack's `local.json`, or says how to start one. */
export function readLocalConfig(home = heraldHome()): LocalConfig {
  const file = localConfigPath(home);
  if (!existsSync(file)) {
    throw new LocalStackNotRunningError(
      `the local stack is not running (no ${path.relative(process.cwd(), file) || file}): start it with "npm start" in another shell`,
    );
  }
  const config = JSON.parse(readFileSync(file, 'utf8')) as LocalConfig;
  try {
    process.kill(config.pid, 0);
  } catch {
    throw new LocalStackNotRunningError(
      `the local stack that wrote ${file} (pid ${config.pid}) is no longer running: start it with "npm start"`,
    );
  }
  return config;
}

/**
 * What the handler modules read from the environment on the local stack (Lambda gets the same from
 * CDK). Token keys are not here: they stay in HERALD_HOME.
 */
export function handlerEnvironment(config: LocalConfig): Record<string, string> {
  return {
    HERALD_TABLE: config.table,
    HERALD_BUCKET: config.bucket,
    HERALD_DOCUMENTS_PREFIX: config.documentsPrefix,
    HERALD_SEND_QUEUE_URL: config.queues.send,
    // The SES emulator has no limits: pace and count as a modest production account would. The senders
    // share one process here, and so one pace.
    HERALD_MAX_SEND_RATE: process.env.HERALD_MAX_SEND_RATE || '50',
    HERALD_SENDER_CONCURRENCY: '1',
    HERALD_DAILY_QUOTA: process.env.HERALD_DAILY_QUOTA || '50000',
    HERALD_PUBLIC_BASE_URL: config.publicBaseUrl,
    HERALD_FROM_ADDRESS: process.env.HERALD_FROM_ADDRESS || 'Herald <digest@herald.example.org>',
  };
}
