import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  /** SendEmail calls SES accepted: when they reached the proxy, and to whom. */
  readonly accepted: Array<{ at: number; to: readonly string[] }>;
  /** SendEmail calls the proxy refused before they reached SES. */
  readonly refused: Array<{ at: number; type: string }>;
  close(): Promise<void>;
}

/**
 * A small fault proxy in front of the SES emulator: each SendEmail call is either refused before it
 * reaches SES (as SES throttling does: HTTP 429 `TooManyRequestsException`, or any other refusal
 * `decide` returns) or forwarded. Every call is recorded with the moment it reached the proxy.
 */
export async function startSesFaultProxy(
  target: string | (() => string),
  decide: (call: number) => Refusal | undefined,
): Promise<FaultProxy> {
  const accepted: FaultProxy['accepted'] = [];
  const refused: FaultProxy['refused'] = [];
  let calls = 0;
  const server: Server = createServer((req, res) => {
    const at = performance.now();
    const isSend = req.method === 'POST' && req.url?.startsWith('/v2/email/outbound-emails');
    const refusal = isSend ? decide(calls++) : undefined;
    if (refusal) {
      refused.push({ at, type: refusal.type });
      req.resume();
      res.writeHead(refusal.status, {
        'content-type': 'application/json',
        'x-amzn-errortype': refusal.type,
      });
      res.end(JSON.stringify({ message: refusal.message }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const upstreamUrl = new URL(typeof target === 'string' ? target : target());
      const upstream = request(
        {
          host: upstreamUrl.hostname,
          port: upstreamUrl.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          if (isSend && answer.statusCode === 200) {
            const to = (JSON.parse(body.toString()) as { Destination?: { ToAddresses?: string[] } })
              .Destination?.ToAddresses;
            accepted.push({ at, to: to ?? [] });
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The most calls in any sliding window of `windowMs` (each window starting at a call). */
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
  const upstreamUrl = new URL(target);
  let doubled = 0;
  const forward = (req: import('node:http').IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; body: Buffer }>(
      (resolve, reject) => {
        const upstream = request(
          {
            host: upstreamUrl.hostname,
            port: upstreamUrl.port,
            path: req.url,
            method: req.method,
            headers: req.headers,
          },
          (answer) => {
            const parts: Buffer[] = [];
            answer.on('data', (part: Buffer) => parts.push(part));
            answer.on('end', () =>
              resolve({
                status: answer.statusCode ?? 502,
                headers: answer.headers,
                body: Buffer.concat(parts),
              }),
            );
          },
        );
        upstream.on('error', reject);
        upstream.end(body);
      },
    );
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const action = String(req.headers['x-amz-target'] ?? '') + body.toString().slice(0, 200);
      try {
        const first = await forward(req, body);
        if (/SendMessage/.test(action)) {
          await forward(req, body);
          doubled++;
        }
        res.writeHead(first.status, first.headers);
        res.end(first.body);
      } catch {
        res.writeHead(502);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    doubled: () => doubled,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
