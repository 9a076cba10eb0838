import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BuiltBundle, buildLambdaBundles, bundleEnvironment } from '../support/bundles.ts';

const run = promisify(execFile);
let bundles: BuiltBundle[];
beforeAll(async () => {
  bundles = await buildLambdaBundles();
});

const sqs = (body: string) => ({
  Records: [
    {
      messageId: 'm1',
      receiptHandle: 'r',
      body,
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:1:q',
      awsRegion: 'eu-west-1',
    },
  ],
});
const http = (method: string, path: string, query?: Record<string, string>, body?: string) => ({
  version: '2.0',
  rawPath: path,
  rawQueryString: '',
  headers: body ? { 'content-type': 'application/json' } : {},
  queryStringParameters: query,
  body,
  isBase64Encoded: false,
  requestContext: { http: { method, path, sourceIp: '203.0.113.1' } },
});

/** An event each handler answers without reaching AWS, and what it must answer. */
const calls: Record<string, { event: unknown; expect: (result: unknown) => void }> = {
  ingest: {
    event: sqs('{"Service":"Amazon S3","Event":"s3:TestEvent"}'),
    expect: (r) => expect(r).toEqual({ batchItemFailures: [] }),
  },
  // A batch whose every record fails is thrown back whole (Powertools), so SQS redelivers it.
  sender: {
    event: sqs('{"not":"a job"}'),
    expect: (r) => expect(String(r)).toMatch(/All records failed processing/),
  },
  // Not a schedule's payload: logged and dropped (a throw would only be retried).
  'scheduled-digest': { event: { cadence: 'hourly' }, expect: (r) => expect(r).toBeNull() },
  'ses-events': {
    event: { detail: { eventType: 'Delivery' } },
    expect: (r) => expect(r).toEqual({ action: 'ignored', subscriberIds: [] }),
  },
  unsubscribe: {
    event: http('GET', '/unsubscribe'),
    expect: (r) => expect(r).toMatchObject({ statusCode: 400 }),
  },
  preferences: {
    event: http('GET', '/preferences'),
    expect: (r) => expect(r).toMatchObject({ statusCode: 400 }),
  },
  subscribe: {
    event: http('GET', '/subscribe', { lang: 'ar' }),
    expect: (r) => expect(r).toMatchObject({ statusCode: 200, body: expect.stringContaining('dir="rtl"') }),
  },
  confirm: { event: http('GET', '/confirm'), expect: (r) => expect(r).toMatchObject({ statusCode: 400 }) },
  'my-data': { event: http('GET', '/my-data'), expect: (r) => expect(r).toMatchObject({ statusCode: 400 }) },
  suggest: {
    event: http('POST', '/api/suggest', undefined, '[]'),
    expect: (r) => expect(r).toMatchObject({ statusCode: 400 }),
  },
  // A job that is not one: the batch fails whole, and SQS redelivers it (then its DLQ).
  'public-mail': {
    event: sqs('{"kind":"nothing"}'),
    expect: (r) => expect(String(r)).toMatch(/All records failed processing/),
  },
  'suggestions-stop': {
    event: http('GET', '/suggestions/stop'),
    expect: (r) => expect(r).toMatchObject({ statusCode: 400 }),
  },
  // The home page lists the archives: with no AWS to reach, it answers with the error page.
  home: {
    event: http('GET', '/', { lang: 'ar' }),
    expect: (r) => expect(r).toMatchObject({ statusCode: 500, body: expect.stringContaining('went wrong') }),
  },
  article: {
    event: http('GET', '/articles/x/de'),
    expect: (r) => expect(r).toMatchObject({ statusCode: 404 }),
  },
  'digest-page': {
    event: http('GET', '/digests/nope'),
    expect: (r) => expect(r).toMatchObject({ statusCode: 404 }),
  },
  archive: { event: http('GET', '/archive/de'), expect: (r) => expect(r).toMatchObject({ statusCode: 404 }) },
  assets: {
    event: http('GET', '/assets/altcha.js'),
    expect: (r) => expect((r as { body: string }).body.length).toBeGreaterThan(100_000),
  },
};

describe('every Lambda bundle', () => {
  it('is built for every entry', () => {
    expect(bundles.map((b) => b.name).sort()).toEqual(Object.keys(calls).sort());
  });

  it.each(Object.keys(calls))(
    '%s loads in a fresh Node process and answers through its handler export',
    async (name) => {
      const bundle = bundles.find((b) => b.name === name)!;
      const script = `const { handler } = await import(${JSON.stringify(bundle.file)});
      let result; try { result = await handler(${JSON.stringify(calls[name]!.event)}, {}); } catch (error) { result = String(error); }
      process.stdout.write(JSON.stringify(result ?? null));`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        env: bundleEnvironment(bundle.dir),
        cwd: bundle.dir,
      });
      calls[name]!.expect(JSON.parse(stdout));
    },
  );

  it('keeps the sender under 1 MB', () => {
    expect(bundles.find((b) => b.name === 'sender')!.bytes).toBeLessThanOrEqual(1024 * 1024);
  });
});
