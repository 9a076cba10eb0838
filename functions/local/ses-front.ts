import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventBridgeEvent } from 'aws-lambda';
import type { SesEventDetail } from '#core/subscriptions/ses-events.ts';
import type { SesAccount } from '#local/ses-account.ts';
import { sesEvent } from '#local/ses-event-shapes.ts';
import { answerRead } from '#local/ses-front-reads.ts';
import {
  type BulkEntry,
  bareAddress,
  checkSendBulkEmail,
  checkSendEmail,
  MAX_MESSAGE_BYTES,
  recipientsOf,
  type SendBulkEmailBody,
  type SendEmailBody,
  type SesRefusal,
  simulatorScenario,
} from '#local/ses-front-rules.ts';

export type SesEventListener = (event: EventBridgeEvent<string, SesEventDetail>) => Promise<unknown>;

export interface SesFront {
  /** Where SES clients go (AWS_ENDPOINT_URL_SESV2); the emulator's outbox answers here too. */
  readonly url: string;
  /** The account as the front enforces it now. */
  account(): SesAccount;
  /** How many SendEmail calls the front refused, by SES error code, since it started. */
  refusals(): ReadonlyMap<string, number>;
  /** Changes the account while running (a test's sandbox, a lower rate, an identity withdrawn). */
  update(changes: Partial<SesAccount>): void;
  /**
   * Where the configuration set's events go (the local stand-in for its EventBridge destination); an
   * event the listener still refuses after three tries goes to `onError`.
   */
  onEvent(listener: SesEventListener, onError?: (error: unknown) => void): void;
  close(): Promise<void>;
}

export interface SesFrontOptions {
  readonly host: string;
  readonly port: number;
  /** The SES emulator behind the front. */
  readonly target: string;
  readonly account: SesAccount;
  /** How long after a send its simulator event follows (SES: about a second). */
  readonly eventDelayMs?: number;
}

const SEND_PATH = '/v2/email/outbound-emails';
const BULK_PATH = '/v2/email/outbound-bulk-emails';
/** A request body above this is refused unread: it cannot hold a message SES would take. */
const MAX_BODY_BYTES = Math.ceil(MAX_MESSAGE_BYTES * 1.4) + 1024 * 1024;
const EVENT_ATTEMPTS = 3;

/** Thrown while reading a body that outgrows MAX_BODY_BYTES. */
class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/**
 * A strict front for the local SES: a small HTTP proxy in front of the emulator (which takes any From,
 * any recipient, any header) that refuses what Amazon SES v2 refuses, with SES's error codes, statuses
 * and messages (see ses-front-rules.ts); throttles above the account's MaxSendRate (429
 * TooManyRequestsException); answers the account's read operations itself (ses-front-reads.ts); and
 * plays the mailbox simulator: mail to bounce@, complaint@ or suppressionlist@simulator.amazonses.com
 * sent with a configuration set is followed by the event SES would publish to its EventBridge
 * destination. Everything else (the outbox, its web page) goes to the emulator as it came.
 */
export async function startSesFront(options: SesFrontOptions): Promise<SesFront> {
  let account = options.account;
  let listener: SesEventListener | undefined;
  let onError: (error: unknown) => void = () => undefined;
  const pending = new Set<NodeJS.Timeout>();
  const refusals = new Map<string, number>();
  const refuseSend = (res: ServerResponse, refusal: SesRefusal) => {
    refusals.set(refusal.code, (refusals.get(refusal.code) ?? 0) + 1);
    refuse(res, refusal);
  };
  const recent: Array<{ at: number; recipients: number }> = [];
  const perMinute = new Map<number, number>();

  const sentLast24Hours = (now: number) => {
    let sum = 0;
    for (const [minute, count] of perMinute) {
      if (minute * 60_000 <= now - 86_400_000) perMinute.delete(minute);
      else sum += count;
    }
    return sum;
  };
  const throttled = (now: number, recipients: number) => {
    while (recent.length > 0 && recent[0]!.at <= now - 1000) recent.shift();
    const inLastSecond = recent.reduce((sum, send) => sum + send.recipients, 0);
    return inLastSecond + recipients > account.maxSendRate;
  };
  const count = (now: number, recipients: number) => {
    recent.push({ at: now, recipients });
    const minute = Math.floor(now / 60_000);
    perMinute.set(minute, (perMinute.get(minute) ?? 0) + recipients);
  };

  const publish = (event: EventBridgeEvent<string, SesEventDetail>, attempt = 1) => {
    const timer = setTimeout(
      () => {
        pending.delete(timer);
        if (!listener) return;
        listener(event).catch((error: unknown) => {
          if (attempt < EVENT_ATTEMPTS) publish(event, attempt + 1);
          else onError(error);
        });
      },
      (options.eventDelayMs ?? 200) * attempt,
    );
    pending.add(timer);
  };

  const simulate = (
    body: Pick<SendEmailBody, 'ConfigurationSetName' | 'FromEmailAddress' | 'Destination'>,
    messageId: string,
  ) => {
    const set = typeof body.ConfigurationSetName === 'string' ? body.ConfigurationSetName : '';
    // SES publishes events through a configuration set's destinations: no set, no event.
    if (!set) return;
    const source = typeof body.FromEmailAddress === 'string' ? bareAddress(body.FromEmailAddress) : undefined;
    const shared = { region: account.region, configurationSet: set, messageId, source };
    for (const recipient of recipientsOf(body)) {
      const address = bareAddress(recipient);
      const scenario = address ? simulatorScenario(address) : undefined;
      if (!address || !scenario) continue;
      if (scenario === 'bounce') publish(sesEvent('bounce', address, shared));
      else if (scenario === 'suppressionlist')
        publish(sesEvent('bounce', address, { ...shared, onSuppressionList: true }));
      else if (scenario === 'complaint')
        publish(sesEvent('complaint', address, { ...shared, feedbackType: null }));
    }
  };

  /** The call's JSON body, or undefined once the call was refused for not having one. */
  const bodyOf = <T>(res: ServerResponse, raw: Buffer): T | undefined => {
    try {
      const body = JSON.parse(raw.toString('utf8')) as T;
      if (typeof body !== 'object' || body === null) throw new TypeError('not an object');
      return body;
    } catch {
      refuseSend(res, { status: 400, code: 'BadRequestException', message: 'The request body is not JSON.' });
      return undefined;
    }
  };
  /** Counts a call's recipients against the rate, or refuses it (429) when they do not fit this second. */
  const admitted = (res: ServerResponse, recipients: number): boolean => {
    const now = Date.now();
    if (throttled(now, recipients)) {
      refuseSend(res, {
        status: 429,
        code: 'TooManyRequestsException',
        message: 'Maximum sending rate exceeded.',
      });
      return false;
    }
    count(now, recipients);
    return true;
  };

  const send = async (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const body = bodyOf<SendEmailBody>(res, raw);
    if (!body) return;
    const refusal = checkSendEmail(body, account);
    if (refusal) return refuseSend(res, refusal);
    if (!admitted(res, recipientsOf(body).length)) return;
    const answer = await forward(options.target, req, raw);
    if (answer.status === 200) {
      const messageId = (JSON.parse(answer.body.toString('utf8') || '{}') as { MessageId?: string })
        .MessageId;
      simulate(body, messageId ?? randomUUID());
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };

  /**
   * SendBulkEmail: refused whole as SES refuses it, throttled by its recipients (every entry counts
   * against the rate), and each entry SES would refuse answered in its own result; the entries it takes
   * go to the emulator, and the simulator's events follow for each.
   */
  const sendBulk = async (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const body = bodyOf<SendBulkEmailBody>(res, raw);
    if (!body) return;
    const checked = checkSendBulkEmail(body, account);
    if ('refusal' in checked) return refuseSend(res, checked.refusal);
    const entries = body.BulkEmailEntries as BulkEntry[];
    const recipients = entries.reduce(
      (sum, entry) => sum + recipientsOf({ Destination: entry.Destination }).length,
      0,
    );
    if (!admitted(res, recipients)) return;
    for (const refusal of checked.entries)
      if (refusal) refusals.set(refusal.Status, (refusals.get(refusal.Status) ?? 0) + 1);
    const taken = entries.filter((_, i) => !checked.entries[i]);
    let answered: Array<{ Status?: string; MessageId?: string; Error?: string }> = [];
    if (taken.length > 0) {
      const forwarded = Buffer.from(JSON.stringify({ ...body, BulkEmailEntries: taken }));
      const answer = await forward(options.target, req, forwarded);
      if (answer.status !== 200) {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
        return;
      }
      answered =
        (JSON.parse(answer.body.toString('utf8') || '{}') as { BulkEmailEntryResults?: typeof answered })
          .BulkEmailEntryResults ?? [];
    }
    let next = 0;
    const results = entries.map((entry, i) => {
      const refusal = checked.entries[i];
      if (refusal) return refusal;
      const result = answered[next++] ?? { Status: 'TRANSIENT_FAILURE', Error: 'no result from SES' };
      if (result.Status === 'SUCCESS')
        simulate({ ...body, Destination: entry.Destination }, result.MessageId ?? randomUUID());
      return result;
    });
    const out = JSON.stringify({ BulkEmailEntryResults: results });
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
    res.end(out);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const pathname = new URL(req.url ?? '/', 'http://front').pathname;
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return refuse(res, {
        status: 400,
        code: 'MessageRejected',
        message: `Message length is more than ${MAX_MESSAGE_BYTES} bytes long.`,
      });
    }
    if (req.method === 'POST' && pathname === SEND_PATH) return send(req, res, raw);
    if (req.method === 'POST' && pathname === BULK_PATH) return sendBulk(req, res, raw);
    const read = answerRead(req.method ?? 'GET', pathname, account, sentLast24Hours(Date.now()));
    if (read && 'code' in read) return refuse(res, read);
    if (read) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(read.body));
      return;
    }
    const answer = await forward(options.target, req, raw);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent)
        refuse(res, { status: 503, code: 'ServiceUnavailableException', message: 'Service unavailable.' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    url: `http://${options.host}:${(server.address() as AddressInfo).port}`,
    account: () => account,
    refusals: () => refusals,
    update: (changes) => {
      account = { ...account, ...changes };
    },
    onEvent: (next, failed) => {
      listener = next;
      if (failed) onError = failed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pending) clearTimeout(timer);
        pending.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** SES v2's REST-JSON error: the code in `x-amzn-ErrorType`, the message in the body. */
function refuse(res: ServerResponse, refusal: SesRefusal): void {
  const body = JSON.stringify({ message: refusal.message });
  res.writeHead(refusal.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-errortype': refusal.code,
    'x-amzn-requestid': randomUUID(),
  });
  res.end(body);
}

function readBody(stream: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    stream.on('end', () => (tooLarge ? reject(new BodyTooLargeError()) : resolve(Buffer.concat(chunks))));
    stream.on('error', reject);
  });
}

function forward(
  target: string,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const url = new URL(target);
    const upstream = request(
      {
        host: url.hostname,
        port: url.port,
        path: req.url,
        method: req.method,
        // The body may be a bulk call's with the refused entries taken out: its own length.
        headers: { ...req.headers, host: url.host, 'content-length': String(body.length) },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () =>
          resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }),
        );
        answer.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}
