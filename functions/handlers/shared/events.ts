import * as z from 'zod/mini';
import type { ScheduledCadence } from '#core/digests/scheduled.ts';
import { decodeS3EventKey } from '#core/documents/keys.ts';
import type { S3NotificationRecord } from '#core/documents/s3-notification.ts';
import type { SesEventDetail } from '#core/subscriptions/ses-events.ts';
import { logger } from '#handlers/shared/logger.ts';

/*
 * The shapes AWS documents for the events Herald's functions receive, checked once at the boundary so a
 * misfit is one clear line instead of a TypeError deep inside. Each schema names the envelope's identity
 * (`eventSource`, `source`, `version`) and every field Herald reads, with the types of Powertools'
 * parser schemas (`@aws-lambda-powertools/parser/schemas`); fields Herald never reads are passed over, so
 * a value AWS documents loosely (an IPv6 source address, a console test's made-up one) never turns a good
 * event into a rejected one. Written in zod/mini because Powertools' schemas are built on full zod, about
 * 440 KB in every bundle (the sender's would pass its 1 MB); a test holds these to Powertools' on AWS's
 * sample events.
 */

/** An event that is not the shape its source documents: which function, what it expected, which fields. */
export class EventShapeError extends Error {
  override readonly name = 'EventShapeError';
  constructor(
    readonly handler: string,
    readonly expected: string,
    readonly problems: string,
  ) {
    super(`${handler}: not ${expected}: ${problems}`);
  }
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** What a value is, never what it holds (an event's fields may hold addresses). */
function kindOf(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  return article(typeof input);
}

/** zod/mini carries no messages of its own: this one says what was expected and what came, not its value. */
const explain: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${article(issue.expected)}, got ${kindOf(issue.input)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}${issue.input === undefined ? ', got nothing' : ''}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `expected at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`
        : `expected at least ${issue.minimum} character${issue.minimum === 1 ? '' : 's'}`;
    default:
      return undefined;
  }
};

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) =>
      typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part),
    '',
  );
}

/** `value` as `schema`, or an {@link EventShapeError} naming each field that does not fit (under `prefix`). */
function parseAs<S extends z.core.$ZodType>(
  schema: S,
  value: unknown,
  handler: string,
  expected: string,
  prefix = '',
): z.output<S> {
  const result = z.safeParse(schema, value, { error: explain });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const at = fieldPath([...(prefix ? [prefix] : []), ...issue.path]);
    return at ? `${at}: ${issue.message}` : issue.message;
  });
  throw new EventShapeError(handler, expected, problems.join('; '));
}

const text = z.string();
const nonEmpty = z.string().check(z.minLength(1));

// ——— SQS (Lambda's event source mapping) ———

const sqsRecord = z.object({
  eventSource: z.literal('aws:sqs'),
  messageId: nonEmpty,
  body: text,
  attributes: z.object({ ApproximateReceiveCount: text }),
});

/** The JSON in an SQS record's body; a record SQS would not deliver or a body that is not JSON throws. */
function sqsJson(handler: string, record: unknown, expected: string): unknown {
  const { body } = parseAs(sqsRecord, record, handler, 'an SQS record as Lambda delivers it');
  try {
    return JSON.parse(body);
  } catch {
    throw new EventShapeError(handler, expected, 'body: expected JSON');
  }
}

/**
 * The JSON body of an SQS record, as `schema`. A record that does not fit throws an
 * {@link EventShapeError}, so that record alone fails: the batch's other records go on, SQS redelivers
 * it, and its DLQ keeps it after the retries.
 */
export function sqsBody<S extends z.core.$ZodType>(
  handler: string,
  record: unknown,
  schema: S,
  expected: string,
): z.output<S> {
  return parseAs(schema, sqsJson(handler, record, expected), handler, expected, 'body');
}

// ——— S3 event notifications (in SQS) ———

/** S3 URL-encodes keys in its events (`+` for a space); a key that does not decode is not one S3 wrote. */
const encodedKey = z.pipe(
  z.string(),
  z.transform((key: string, context) => {
    try {
      return decodeS3EventKey(key);
    } catch {
      context.issues.push({ code: 'custom', input: key, message: 'expected a URL-encoded object key' });
      return z.NEVER;
    }
  }),
);

const s3Record = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: text,
  s3: z.object({
    bucket: z.object({ name: nonEmpty }),
    object: z.object({
      key: encodedKey,
      size: z.optional(z.number()),
      // "object version if bucket is versioning-enabled, otherwise null" (S3's event message structure)
      versionId: z.optional(z.nullable(z.string())),
      sequencer: z.optional(z.string()),
    }),
  }),
});
const s3TestEvent = z.object({ Service: z.literal('Amazon S3'), Event: z.literal('s3:TestEvent') });
const s3Records = z.object({ Records: z.array(s3Record) });
const S3_IN_SQS = 'an S3 event notification in an SQS message';

/**
 * What an S3 event notification put on the queue says: its records, keys decoded, or that it is the
 * `s3:TestEvent` S3 sends when the notification is configured (no records). A misfit throws an
 * {@link EventShapeError}, failing that record alone.
 */
export function s3Notification(
  handler: string,
  record: unknown,
): { readonly test: boolean; readonly records: readonly S3NotificationRecord[] } {
  const body = sqsJson(handler, record, S3_IN_SQS);
  if (z.safeParse(s3TestEvent, body).success) return { test: true, records: [] };
  return { test: false, records: parseAs(s3Records, body, handler, S3_IN_SQS, 'body').Records };
}

// ——— EventBridge: SES events from the configuration set's destination ———

const recipients = z.array(z.object({ emailAddress: nonEmpty })).check(z.minLength(1));
const mail = z.object({ messageId: nonEmpty });
const BOUNCE_TYPES = ['Permanent', 'Transient', 'Undetermined'] as const;

/** The detail each SES event type must carry for Herald; any other type needs only its mail. */
const sesDetails = new Map<string, z.core.$ZodType<SesEventDetail>>([
  [
    'Bounce',
    z.object({
      eventType: z.literal('Bounce'),
      mail,
      bounce: z.object({ bounceType: z.enum(BOUNCE_TYPES), bouncedRecipients: recipients }),
    }),
  ],
  [
    'Complaint',
    z.object({
      eventType: z.literal('Complaint'),
      mail,
      complaint: z.object({ complainedRecipients: recipients }),
    }),
  ],
]);
const otherSesDetail = z.object({ eventType: nonEmpty, mail });
const sesEnvelope = z.object({
  source: z.literal('aws.ses'),
  'detail-type': text,
  detail: z.object({ eventType: nonEmpty }),
});

/**
 * The detail of an SES event EventBridge delivers, or `undefined` when the event does not fit: logged
 * and dropped, since EventBridge would only retry a throw and the event would not fit any better.
 */
export function sesEventDetail(handler: string, event: unknown): SesEventDetail | undefined {
  return dropMisfit(() => {
    const expected = 'an SES event from EventBridge';
    const envelope = parseAs(sesEnvelope, event, handler, expected);
    const schema = sesDetails.get(envelope.detail.eventType) ?? otherSesDetail;
    return parseAs(schema, (event as { detail: unknown }).detail, handler, expected, 'detail');
  });
}

// ——— EventBridge Scheduler ———

const scheduledDigest = z.object({ cadence: z.enum(['daily', 'weekly']) });

/** The payload of a digest schedule, `{"cadence":"daily"|"weekly"}`, or `undefined` (logged, dropped). */
export function scheduledCadence(handler: string, event: unknown): ScheduledCadence | undefined {
  return dropMisfit(
    () =>
      parseAs(scheduledDigest, event, handler, 'a digest schedule\'s payload {"cadence":"daily"|"weekly"}')
        .cadence,
  );
}

function dropMisfit<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof EventShapeError)) throw error;
    logEventMisfit(error, 'dropped');
    return undefined;
  }
}

// ——— API Gateway HTTP API (payload format 2.0) ———

const stringMap = z.record(z.string(), z.string());
const httpEvent = z.object({
  version: z.literal('2.0'),
  rawPath: text,
  headers: stringMap,
  queryStringParameters: z.optional(stringMap),
  cookies: z.optional(z.array(z.string())),
  body: z.optional(z.string()),
  isBase64Encoded: z.boolean(),
  requestContext: z.object({ http: z.object({ method: nonEmpty, sourceIp: text }) }),
});

/** Throws an {@link EventShapeError} unless `event` is an HTTP API request in payload format 2.0. */
export function checkHttpEvent(handler: string, event: unknown): void {
  parseAs(httpEvent, event, handler, 'an API Gateway HTTP API request (payload format 2.0)');
}

/**
 * What is wrong with `event` if it is not an HTTP API request (logged: the function answers 400 with it,
 * without reading the request any further), or `undefined`.
 */
export function refusedHttpEvent(handler: string, event: unknown): string | undefined {
  try {
    checkHttpEvent(handler, event);
    return undefined;
  } catch (error) {
    if (!(error instanceof EventShapeError)) throw error;
    logEventMisfit(error, 'answered 400');
    return error.message;
  }
}

/** The one line a misfit event gets: which function, what it expected, which fields; never the event. */
export function logEventMisfit(error: EventShapeError, outcome: string): void {
  logger.error(`event ${outcome}: it does not fit`, {
    handler: error.handler,
    expected: error.expected,
    problems: error.problems,
  });
}
