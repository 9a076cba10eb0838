import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  ConditionalCheckFailedException,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '#adapters/clients.ts';
import { type LocalStack, startLocalStack } from '#local/stack.ts';
import { ANY_FREE_PORTS, tempHome, waitFor } from '../support/local-stack.ts';

const hasJava = spawnSync('java', ['-version']).status === 0;
const root = fileURLToPath(new URL('../../', import.meta.url));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start with an unknown HERALD_DYNAMODB', () => {
  it('refuses to start, and names the two engines it takes', async () => {
    const temp = await tempHome();
    try {
      const failed = await promisify(execFile)(
        process.execPath,
        ['--openssl-legacy-provider', '--import', 'tsx', 'functions/local/main.ts'],
        {
          cwd: root,
          env: { ...process.env, HERALD_HOME: temp.home, HERALD_DYNAMODB: 'mongodb' },
          timeout: 30_000,
        },
      ).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(
        'HERALD_DYNAMODB must be "dynalite" (the default, in process) or "amazon" (Amazon DynamoDB Local, needs Java 17), not "mongodb"',
      );
    } finally {
      await temp.remove();
    }
  });
});

// Amazon DynamoDB Local is a Java program: without `java` there is nothing to run (npm run test:amazon says so too).
describe.skipIf(!hasJava)(
  'the local stack on Amazon DynamoDB Local (HERALD_DYNAMODB=amazon; needs java)',
  () => {
    let stack: LocalStack | undefined;
    let remove: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const temp = await tempHome();
      remove = temp.remove;
      // Chosen here, not by HERALD_DYNAMODB: this file runs on Amazon's engine in every run.
      stack = await startLocalStack({
        home: temp.home,
        ports: ANY_FREE_PORTS,
        batchWindowMs: 200,
        dynamodb: 'amazon',
      });
    });
    afterAll(async () => {
      await stack?.stop();
      await remove?.();
    });
    const table = () => stack!.config.table;

    it('writes two rows in one transaction, or neither when one condition fails (dynalite has no transactions)', async () => {
      const put = (pk: string, condition?: string) => ({
        Put: {
          TableName: table(),
          Item: { pk: { S: pk }, sk: { S: 'TX' } },
          ...(condition ? { ConditionExpression: condition } : {}),
        },
      });
      const dynamo = new DynamoDBClient({});
      await dynamo.send(new TransactWriteItemsCommand({ TransactItems: [put('TX#a'), put('TX#b')] }));
      const failed = await dynamo
        .send(
          new TransactWriteItemsCommand({
            TransactItems: [put('TX#c'), put('TX#a', 'attribute_not_exists(pk)')],
          }),
        )
        .catch((error: unknown) => error);

      expect(failed).toBeInstanceOf(TransactionCanceledException);
      expect((failed as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual([
        'None',
        'ConditionalCheckFailed',
      ]);
      const row = (pk: string) =>
        dynamoDocumentClient().send(new GetCommand({ TableName: table(), Key: { pk, sk: 'TX' } }));
      expect((await row('TX#b')).Item).toEqual({ pk: 'TX#b', sk: 'TX' });
      expect((await row('TX#c')).Item).toBeUndefined();
    });

    it('has TTL on expiresAt, as the CDK table has', async () => {
      const { TimeToLiveDescription } = await new DynamoDBClient({}).send(
        new DescribeTimeToLiveCommand({ TableName: table() }),
      );
      expect(TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    });

    it('returns the row a condition failed on, when asked to (dynalite returns none)', async () => {
      const client = new DynamoDBClient({});
      const item = { pk: { S: 'CCF#1' }, sk: { S: 'ROW' }, state: { S: 'sent' } };
      await client.send(new PutItemCommand({ TableName: table(), Item: item }));
      const failed = await client
        .send(
          new PutItemCommand({
            TableName: table(),
            Item: { ...item, state: { S: 'pending' } },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        )
        .catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(ConditionalCheckFailedException);
      expect((failed as ConditionalCheckFailedException).Item).toEqual(item);
    });

    it('runs Amazon’s engine in a Java process, which stops with the stack', async () => {
      expect(stack!.dynamodb.engine).toBe('amazon');
      const pid = stack!.dynamodb.pid!;
      expect(alive(pid)).toBe(true);
      await stack!.stop();
      stack = undefined;
      expect(alive(pid)).toBe(false);
    });

    it('does not outlive a Herald killed outright: its Java process goes too', async () => {
      const temp = await tempHome();
      let parent: ChildProcess | undefined;
      try {
        parent = spawn(
          process.execPath,
          ['--import', 'tsx', 'test/support/amazon-dynamodb-process.ts', temp.home],
          {
            cwd: root,
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
        const { pid, url } = JSON.parse(line.toString()) as { pid: number; url: string };
        expect((await fetch(url, { method: 'POST' })).status).toBe(400);

        parent.kill('SIGKILL');
        await once(parent, 'exit');
        await waitFor('the Java process to stop', async () => !alive(pid), 20_000);
        await expect(fetch(url, { method: 'POST' })).rejects.toThrow();
      } finally {
        if (parent?.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
        await temp.remove();
      }
    });
  },
);
