import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { asFunction, type RecordedCall, recordingCalls } from '#adapters/call-record.ts';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

const nowhere = { endpoint: 'http://127.0.0.1:9', region: 'us-east-1', maxAttempts: 1 } as const;
const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };

function recorded(dir: string): RecordedCall[] {
  return readdirSync(dir).flatMap((file) =>
    readFileSync(path.join(dir, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RecordedCall),
  );
}

describe('the record of AWS calls, for the IAM proof', () => {
  it('records a call under the function that made it, its resources by the variable that names them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'calls-'));
    Object.assign(process.env, { HERALD_RECORD_AWS_CALLS: dir, HERALD_TABLE: 'same', HERALD_BUCKET: 'same' });
    const dynamo = recordingCalls(new DynamoDBClient({ ...nowhere, credentials }), 'dynamodb');
    const s3 = recordingCalls(new S3Client({ ...nowhere, credentials, forcePathStyle: true }), 's3');

    await asFunction('preferences', async () => {
      await dynamo
        .send(new GetItemCommand({ TableName: 'same', Key: { pk: { S: 'SUB#r_1' }, sk: { S: 'x' } } }))
        .catch(() => undefined);
      await s3
        .send(new PutObjectCommand({ Bucket: 'same', Key: 'digests/d_1/en.html', Body: 'x' }))
        .catch(() => undefined);
    });
    // Outside any function (the local stack's plumbing, a test's own calls): not the role's business.
    await dynamo
      .send(new GetItemCommand({ TableName: 'same', Key: { pk: { S: 'QUOTA' } } }))
      .catch(() => undefined);

    expect(recorded(dir)).toEqual([
      {
        fn: 'preferences',
        service: 'dynamodb',
        command: 'GetItemCommand',
        input: { TableName: '$HERALD_TABLE', Key: 'SUB#…' },
      },
      {
        fn: 'preferences',
        service: 's3',
        command: 'PutObjectCommand',
        input: { Bucket: '$HERALD_BUCKET', Key: 'digests/…' },
      },
    ]);
  });

  it('adds nothing to a client when recording is off (on AWS, under npm start)', () => {
    delete process.env.HERALD_RECORD_AWS_CALLS;
    const client = new DynamoDBClient({ ...nowhere, credentials });
    const before = client.middlewareStack.identify().length;
    recordingCalls(client, 'dynamodb');
    expect(client.middlewareStack.identify()).toHaveLength(before);
  });

  it('runs each handler locally as the function of its own module name, as HeraldFunction deploys it', () => {
    const sources = [
      'functions/local/stack.ts',
      'functions/local/web-routes.ts',
      'functions/cli/digest.ts',
      'functions/cli/ses-event.ts',
    ];
    const named = sources.flatMap((file) => [
      ...readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8').matchAll(
        /lambda\(\s*'([\w-]+)',\s*\(\) => import\('#handlers\/([\w-]+)\.ts'\)/g,
      ),
    ]);
    expect(named.length).toBeGreaterThanOrEqual(20);
    for (const [, name, module] of named) expect(name).toBe(module);
  });
});
