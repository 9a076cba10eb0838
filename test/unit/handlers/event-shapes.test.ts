import { readFileSync } from 'node:fs';
import { APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas/api-gatewayv2';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { S3SqsEventNotificationSchema } from '@aws-lambda-powertools/parser/schemas/s3';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { objectChanges } from '#core/documents/s3-notification.ts';
import { checkHttpEvent, s3Notification, scheduledCadence, sesEventDetail } from '#handlers/shared/events.ts';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are JSON, edited freely into broken variants
type Json = any;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../../fixtures/events/${name}`, import.meta.url), 'utf8'));

const put = () => fixture('sqs/s3-put-encoded-key.json');
const testEvent = () => fixture('sqs/s3-test-event.json');
const bounce = () => fixture('eventbridge/ses-bounce-several-recipients.json');
const complaint = () => fixture('eventbridge/ses-complaint-no-feedback-type.json');
const delay = () => fixture('eventbridge/ses-delivery-delay.json');
const schedule = () => fixture('eventbridge/scheduler-daily-digest.json');
const request = () => fixture('api-gateway/http-v2-get-subscribe.json');

/** The SQS record of an S3 fixture with its notification body changed by `edit`. */
function withBody(event: Json, edit: (body: Json) => void): Json {
  const [record] = event.Records;
  const body = JSON.parse(record.body);
  edit(body);
  return { ...record, body: JSON.stringify(body) };
}

/** What the process writes while `act` runs (the logger writes lines to stdout and stderr). */
async function written<T>(act: () => T | Promise<T>): Promise<{ result: T; out: string }> {
  let out = '';
  const capture = (chunk: unknown) => {
    out += String(chunk);
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    return { result: await act(), out };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe("AWS's sample events, as Herald's functions read them", () => {
  it('an S3 notification in SQS: the key decoded (+ a space, UTF-8 percent-escapes), its version kept', () => {
    const notification = s3Notification('ingest', put().Records[0]);
    expect(notification.test).toBe(false);
    expect(objectChanges(notification.records)).toEqual([
      {
        kind: 'created',
        eventName: 'ObjectCreated:Put',
        bucket: 'herald-documents-example',
        key: "documents/visite d'État/fr.md",
        size: 1024,
        versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko',
        sequencer: '0055AED6DCD90281E5',
      },
    ]);
  });

  it("S3's test event: acknowledged, no change", () => {
    expect(s3Notification('ingest', testEvent().Records[0])).toEqual({ test: true, records: [] });
  });

  it('a bounce: every bounced recipient, and the bounce type', () => {
    const detail = sesEventDetail('ses-events', bounce());
    expect(detail?.bounce?.bounceType).toBe('Permanent');
    expect(detail?.bounce?.bouncedRecipients.map((r) => r.emailAddress)).toEqual([
      'recipient@example.com',
      'second.recipient@example.com',
      'third.recipient@example.com',
    ]);
    expect(detail?.mail?.messageId).toBe('EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000');
  });

  it('a complaint without a feedback type: its recipient', () => {
    const detail = sesEventDetail('ses-events', complaint());
    expect(detail?.eventType).toBe('Complaint');
    expect(detail?.complaint?.complainedRecipients.map((r) => r.emailAddress)).toEqual([
      'recipient@example.com',
    ]);
  });

  it('a delivery delay: read as an event with nothing to act on', () => {
    const detail = sesEventDetail('ses-events', delay());
    expect(detail).toMatchObject({ eventType: 'DeliveryDelay' });
    expect(detail?.bounce).toBeUndefined();
    expect(detail?.complaint).toBeUndefined();
  });

  it("a digest schedule's payload: its cadence", () => {
    expect(scheduledCadence('scheduled-digest', schedule())).toBe('daily');
  });

  it('an HTTP API request in payload format 2.0', () => {
    expect(() => checkHttpEvent('subscribe', request())).not.toThrow();
  });

  it("fit Powertools' schemas of the same events too (the fixtures are AWS's shapes, not Herald's)", () => {
    expect(S3SqsEventNotificationSchema.safeParse(put()).success).toBe(true);
    expect(SqsSchema.safeParse(testEvent()).success).toBe(true);
    for (const event of [bounce(), complaint(), delay()])
      expect(EventBridgeSchema.safeParse(event).success).toBe(true);
    expect(APIGatewayProxyEventV2Schema.safeParse(request()).success).toBe(true);
  });
});

describe('events that do not fit, refused with the field and what was expected', () => {
  it('an S3 record without its key, or with a size that is not a number', () => {
    const noKey = withBody(put(), (body) => {
      delete body.Records[0].s3.object.key;
    });
    expect(() => s3Notification('ingest', noKey)).toThrowError(
      'ingest: not an S3 event notification in an SQS message: body.Records[0].s3.object.key: expected a string, got nothing',
    );
    const textSize = withBody(put(), (body) => {
      body.Records[0].s3.object.size = '1024';
    });
    expect(() => s3Notification('ingest', textSize)).toThrowError(
      'body.Records[0].s3.object.size: expected a number, got a string',
    );
    // Powertools' schema refuses them too.
    expect(S3SqsEventNotificationSchema.safeParse({ Records: [noKey] }).success).toBe(false);
  });

  it('a key that is not URL-encoded as S3 writes keys', () => {
    const badKey = withBody(put(), (body) => {
      body.Records[0].s3.object.key = 'documents/%E9t%E9.md';
    });
    expect(() => s3Notification('ingest', badKey)).toThrowError(
      'body.Records[0].s3.object.key: expected a URL-encoded object key',
    );
  });

  it('an SQS record without its message id, or whose body is not JSON', () => {
    const { messageId: _, ...noId } = testEvent().Records[0];
    expect(() => s3Notification('ingest', noId)).toThrowError(
      'ingest: not an SQS record as Lambda delivers it: messageId: expected a string, got nothing',
    );
    expect(() => s3Notification('ingest', { ...noId, messageId: 'm', body: 'hello' })).toThrowError(
      'ingest: not an S3 event notification in an SQS message: body: expected JSON',
    );
  });

  it('a bounce without its recipients is logged and dropped, the line naming the field and no address', async () => {
    const event = bounce();
    delete event.detail.bounce.bouncedRecipients;
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
    const { result, out } = await written(() => sesEventDetail('ses-events', event));
    expect(result).toBeUndefined();
    const line = JSON.parse(out.trim());
    expect(line).toMatchObject({
      level: 'ERROR',
      message: 'event dropped: it does not fit',
      handler: 'ses-events',
      expected: 'an SES event from EventBridge',
      problems: 'detail.bounce.bouncedRecipients: expected an array, got nothing',
    });
    expect(out).not.toContain('@example.com');
    vi.unstubAllEnvs();
  });

  it('an EventBridge event that is not from SES, and a complaint recipient that is not an address', async () => {
    const other = { ...bounce(), source: 'aws.ec2' };
    const { out } = await written(() => sesEventDetail('ses-events', other));
    expect(out).toContain('source: expected \\"aws.ses\\"');
    const event = complaint();
    event.detail.complaint.complainedRecipients[0].emailAddress = 42;
    const { result, out: line } = await written(() => sesEventDetail('ses-events', event));
    expect(result).toBeUndefined();
    expect(line).toContain(
      'detail.complaint.complainedRecipients[0].emailAddress: expected a string, got a number',
    );
  });

  it("a schedule's payload with another cadence, or none", async () => {
    const { result, out } = await written(() => scheduledCadence('scheduled-digest', { cadence: 'hourly' }));
    expect(result).toBeUndefined();
    expect(out).toContain('cadence: expected \\"daily\\" or \\"weekly\\"');
    expect((await written(() => scheduledCadence('scheduled-digest', {}))).out).toContain(
      'cadence: expected \\"daily\\" or \\"weekly\\", got nothing',
    );
  });

  it('an HTTP request in payload format 1.0, or without its request context', () => {
    expect(() => checkHttpEvent('subscribe', { ...request(), version: '1.0' })).toThrowError(
      'subscribe: not an API Gateway HTTP API request (payload format 2.0): version: expected "2.0"',
    );
    const { requestContext: _, ...noContext } = request();
    expect(() => checkHttpEvent('subscribe', noContext)).toThrowError(
      'requestContext: expected an object, got nothing',
    );
    expect(APIGatewayProxyEventV2Schema.safeParse(noContext).success).toBe(false);
  });
});

// The handlers load with this configuration and reach no AWS service on these paths: any call would go
// to a closed port and fail.
const environment = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'placeholder',
  AWS_SECRET_ACCESS_KEY: 'placeholder',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  HERALD_TABLE: 'herald',
  HERALD_BUCKET: 'herald-documents',
  HERALD_SEND_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111122223333/send',
  HERALD_PUBLIC_MAIL_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111122223333/public-mail',
  HERALD_PUBLIC_BASE_URL: 'https://news.example.org/',
  HERALD_FROM_ADDRESS: 'Press <news@example.org>',
  HERALD_MAX_SEND_RATE: '14',
  HERALD_DAILY_QUOTA: '50000',
  HERALD_TOKEN_KEYS: JSON.stringify({ current: 'k1', k1: 'b'.repeat(40) }),
  HERALD_ADDRESS_KEY: 'c'.repeat(40),
};

describe('the handlers, given these events', () => {
  beforeEach(() => {
    for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
    vi.resetModules();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("ingest acknowledges S3's test event and fails only the record that does not fit", async () => {
    const { handler } = await import('#handlers/ingest.ts');
    const broken = withBody(put(), (body) => {
      delete body.Records[0].s3.bucket;
    });
    broken.messageId = 'broken-1';
    const { result, out } = await written(() =>
      handler({ Records: [testEvent().Records[0], broken] } as never, {} as never),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'broken-1' }] });
    expect(out).toContain('body.Records[0].s3.bucket: expected an object, got nothing');
    expect(out).toContain('"messageId":"broken-1"');
    // Loading the ingest function (its parsers and sanitizer) takes seconds on a busy machine.
  }, 30_000);

  it('ses-events ignores a delivery delay without error', async () => {
    const { handler } = await import('#handlers/ses-events.ts');
    expect(await handler(delay())).toEqual({ action: 'ignored', subscriberIds: [] });
  });

  it('scheduled-digest drops a payload that is not a schedule', async () => {
    const { handler } = await import('#handlers/scheduled-digest.ts');
    const { result, out } = await written(() => handler({ cadence: 'hourly' }));
    expect(result).toBeUndefined();
    expect(out).toContain('"handler":"scheduled-digest"');
  });

  it('an HTTP handler answers the sample request, and a 400 that says what is wrong to one that does not fit', async () => {
    const { handler } = await import('#handlers/subscribe.ts');
    const page = await handler(request());
    expect(page).toMatchObject({ statusCode: 200, body: expect.stringContaining('lang="fr"') });
    const { result } = await written(() => handler({ ...request(), version: '1.0' }));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body!).message).toMatch(/payload format 2\.0\): version: expected "2\.0"/);
    expect(result.headers).toMatchObject({ 'x-frame-options': 'DENY' });
  });

  it('the assets handler, through the same chain, refuses a request that does not fit with a 400 too', async () => {
    const { handler } = await import('#handlers/assets.ts');
    const script = { ...request(), rawPath: '/assets/altcha.js' };
    expect(await handler(script)).toMatchObject({ statusCode: 200 });
    const { result } = await written(() => handler({ ...script, isBase64Encoded: 'no' } as never));
    expect(result).toMatchObject({
      statusCode: 400,
      body: expect.stringContaining('isBase64Encoded: expected a boolean, got a string'),
    });
  });

  it('the sender fails a record that is not an SQS record, naming the field', async () => {
    const { handler } = await import('#handlers/sender.ts');
    const { attributes: _, ...record } = { ...testEvent().Records[0], body: '{}' };
    const { result, out } = await written(() =>
      handler({ Records: [record] } as never, {} as never).catch((error: Error) => error),
    );
    // A batch whose every record failed is thrown back whole (Powertools), so SQS redelivers it.
    expect(String(result)).toMatch(/All records failed processing/);
    expect(out).toContain(
      'sender: not an SQS record as Lambda delivers it: attributes: expected an object, got nothing',
    );
  });
});
