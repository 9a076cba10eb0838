import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { environmentVariables } from '#config/contract/environment.ts';
import {
  LOCAL_CONFIGURATION_SET,
  localDailyQuota,
  localSendRate,
  localSesAccount,
} from '#local/ses-account.ts';

/** What `npm start` writes to `$HERALD_HOME/local.json`: everything a client needs to reach it. */
export interface LocalConfig {
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly bucket: string;
  readonly documentsPrefix: string;
  readonly table: string;
  readonly queues: Readonly<
    Record<'ingest' | 'ingestDlq' | 'send' | 'sendDlq' | 'publicMail' | 'publicMailDlq', string>
  >;
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

/** The token-signing keys of a HERALD_HOME (JSON, as the token keys secret holds them on AWS). */
export const TOKEN_KEYS_FILE = 'token-keys.json';
/** The address key of a HERALD_HOME: it hashes addresses, and is never rotated with the token keys. */
export const ADDRESS_KEY_FILE = 'address-key';

/** The keys of a HERALD_HOME as the handlers read them from the environment. Never printed. */
export function localKeysIn(home: string): { HERALD_TOKEN_KEYS: string; HERALD_ADDRESS_KEY: string } {
  return {
    HERALD_TOKEN_KEYS: readFileSync(path.join(home, TOKEN_KEYS_FILE), 'utf8'),
    HERALD_ADDRESS_KEY: readFileSync(path.join(home, ADDRESS_KEY_FILE), 'utf8'),
  };
}

/**
 * Makes the keys of a HERALD_HOME once, readable by the owner only. A home made before the address key
 * existed hashed addresses with its first token key: that key becomes its address key, so its
 * suppressions keep matching (and token keys can then rotate freely).
 */
export async function ensureLocalKeys(home: string): Promise<void> {
  const tokenFile = path.join(home, TOKEN_KEYS_FILE);
  const addressFile = path.join(home, ADDRESS_KEY_FILE);
  const secret = () => randomBytes(32).toString('base64url');
  const write = async (file: string, value: string) => {
    await writeFile(file, value, { mode: 0o600 });
    await chmod(file, 0o600);
  };
  if (!existsSync(addressFile)) {
    const earlier = existsSync(tokenFile)
      ? Object.entries(JSON.parse(await readFile(tokenFile, 'utf8')) as Record<string, string>).find(
          ([id]) => id !== 'current',
        )?.[1]
      : undefined;
    await write(addressFile, earlier ?? secret());
  }
  if (!existsSync(tokenFile)) await write(tokenFile, JSON.stringify({ current: 'k1', k1: secret() }));
}

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
    ...environmentVariables({
      HERALD_TABLE: config.table,
      HERALD_BUCKET: config.bucket,
      HERALD_DOCUMENTS_PREFIX: config.documentsPrefix,
      HERALD_SEND_QUEUE_URL: config.queues.send,
      HERALD_PUBLIC_MAIL_QUEUE_URL: config.queues.publicMail,
      HERALD_LOCAL_OUTBOX_URL: config.endpoints.outbox,
      // The senders share one process here, and so one pace.
      HERALD_SENDER_CONCURRENCY: 1,
      // The sends name the local account's configuration set, whose events reach the ses-events handler.
      HERALD_SES_CONFIGURATION_SET: process.env.HERALD_SES_CONFIGURATION_SET || LOCAL_CONFIGURATION_SET,
      HERALD_PUBLIC_BASE_URL: config.publicBaseUrl,
      HERALD_FROM_ADDRESS: process.env.HERALD_FROM_ADDRESS || 'Herald <digest@herald.example.org>',
    }),
    // Pace and count under the local SES account's limits (its front throttles above them); a value
    // given when starting passes as written, for the handlers' schema to judge.
    HERALD_MAX_SEND_RATE: process.env.HERALD_MAX_SEND_RATE || String(localSendRate(localSesAccount())),
    HERALD_DAILY_QUOTA: process.env.HERALD_DAILY_QUOTA || String(localDailyQuota(localSesAccount())),
  };
}

/**
 * For a process of the local stack started beside it (the sender, the worker): points the SDK at the
 * running stack of HERALD_HOME and sets what the handlers read, keys included.
 */
export function joinLocalStack(): LocalConfig {
  const home = heraldHome();
  const config = readLocalConfig(home);
  applyLocalEnvironment(config);
  Object.assign(process.env, handlerEnvironment(config), localKeysIn(home));
  // HERALD_SES_ENDPOINT: send through another endpoint (a fault proxy in front of the emulator, say).
  if (process.env.HERALD_SES_ENDPOINT) process.env.AWS_ENDPOINT_URL_SESV2 = process.env.HERALD_SES_ENDPOINT;
  return config;
}

/** Runs `stop` on SIGTERM or SIGINT, then exits (1 when stopping failed). */
export function exitOnSignals(stop: () => Promise<unknown>): void {
  const exit = () => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', exit);
  process.on('SIGINT', exit);
}
