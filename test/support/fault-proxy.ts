import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { forward, readBody } from './http-forward.mjs';

/** How a refused call is answered: as SES v2 answers it. */
export interface Refusal {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

export const THROTTLED: Refusal = {
  status: 429,
  type: 'TooManyRequestsException',
  message: 'Maximum sending rate exceeded.',
};
export const QUOTA_EXCEEDED: Refusal = {
  status: 400,
  type: 'LimitExceededException',
  message: 'Daily message quota exceeded.',
};
export const SERVICE_UNAVAILABLE: Refusal = {
  status: 503,
  type: 'ServiceUnavailableException',
  message: 'Service unavailable.',
};

export interface FaultProxy {
  readonly url: string;
  /**
   * Mails SES accepted (a SendEmail call, or one entry of a SendBulkEmail call): when their call reached
   * the proxy, and to whom. One record a mail, as SES counts mails against its rate.
   */
  readonly accepted: Array<{ at: number; to: readonly string[] }>;
  /** Mails the proxy refused before they reached SES (every entry of a refused bulk call). */
  readonly refused: Array<{ at: number; type: string }>;
  close(): Promise<void>;
}

/** Starts a proxy server on a free local port. */
async function listen(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>) {
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A small fault proxy in front of the SES emulator: each SendEmail or SendBulkEmail call is either
 * refused whole before it reaches SES (as SES throttling does: HTTP 429 `TooManyRequestsException`, or
 * any other refusal `decide` returns) or forwarded; `refuseMail` refuses one recipient's mail (the call,
 * for SendEmail; that entry's result, for SendBulkEmail, as SES reports a refused entry). Every call is recorded with the moment it reached the proxy, in
 * milliseconds since the epoch (as `Date.now()`). The server runs in a thread of its own
 * (`ses-fault-proxy-thread.mjs`), so a busy test process cannot bunch up those moments.
 */
export async function startSesFaultProxy(
  target: string | (() => string),
  decide: (call: number, request: SendRequest) => Refusal | undefined,
  refuseMail: (to: readonly string[], request: SendRequest) => Refusal | undefined = () => undefined,
): Promise<FaultProxy> {
  const accepted: FaultProxy['accepted'] = [];
  const refused: FaultProxy['refused'] = [];
  let calls = 0;
  const thread = new Worker(new URL('./ses-fault-proxy-thread.mjs', import.meta.url));
  thread.unref();
  const url = await new Promise<string>((resolve, reject) => {
    thread.once('error', reject);
    thread.on('message', (message: ProxyMessage) => {
      if (message.kind === 'listening') resolve(message.url);
      else if (message.kind === 'accepted') accepted.push({ at: message.at, to: message.to });
      else if (message.kind === 'refused') refused.push({ at: message.at, type: message.type });
      else if (message.kind === 'ask') {
        const refusal = message.isSend ? decide(calls++, message.request!) : undefined;
        const entryRefusals =
          message.isSend && !refusal
            ? message.request!.mails.map((to) => refuseMail(to, message.request!))
            : [];
        thread.postMessage({
          kind: 'answer',
          id: message.id,
          refusal,
          entryRefusals,
          target: typeof target === 'string' ? target : target(),
        });
      }
    });
  });
  return {
    url,
    accepted,
    refused,
    close: async () => {
      thread.postMessage({ kind: 'close' });
      await new Promise((resolve) => thread.once('exit', resolve));
    },
  };
}

type ProxyMessage =
  | { kind: 'listening'; url: string }
  | { kind: 'accepted'; at: number; to: string[] }
  | { kind: 'refused'; at: number; type: string }
  | { kind: 'ask'; id: number; isSend: boolean; request?: SendRequest };

/** What a SendEmail or SendBulkEmail call asks of SES, as far as a refusal depends on it. */
export interface SendRequest {
  /** Every recipient of the call. */
  readonly to: readonly string[];
  readonly from: string;
  /** The recipients of each mail: one for SendEmail, one per entry for SendBulkEmail. */
  readonly mails: ReadonlyArray<readonly string[]>;
}

/** The most mails (or calls) in any sliding window of `windowMs` (each window starting at one). */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** How many mails each address got, from what SES accepted. */
export function mailsPerAddress(proxy: FaultProxy): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of proxy.accepted) for (const to of call.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}

/**
 * A proxy in front of the SQS emulator that delivers every message twice: each SendMessage and
 * SendMessageBatch call is forwarded twice (one after the other), as an at-least-once queue may.
 */
export async function startSqsDoublingProxy(
  target: string,
): Promise<{ url: string; doubled: () => number; close(): Promise<void> }> {
  let doubled = 0;
  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    const action = String(req.headers['x-amz-target'] ?? '') + body.toString().slice(0, 200);
    const first = await forward(target, req, body);
    if (/SendMessage/.test(action)) {
      await forward(target, req, body);
      doubled++;
    }
    res.writeHead(first.status, first.headers);
    res.end(first.body);
  });
  return { ...server, doubled: () => doubled };
}
