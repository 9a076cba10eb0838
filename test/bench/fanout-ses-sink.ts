/**
 * In place of SES for the fan-out benchmark, in a process of its own: a sink that answers SendEmail as
 * SES v2 does, keeps no bodies and counts the calls where SES would — at its own door, not behind the
 * event loop of the DynamoDB and SQS emulators (a busy emulator would bunch the arrivals it stamps).
 * Prints one JSON line with its endpoint, then serves until killed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const HOST = '127.0.0.1';

/**
 * SES v2 SendEmail and SendBulkEmail, counted by mail (a bulk call's entries each count, as SES counts
 * them against its rate): how many, when the first and the last arrived, and the most that arrived in
 * any one second (a sliding window over every arrival: where SES would count). `calls` counts requests.
 */
const counts = { sent: 0, calls: 0, first: 0, last: 0, busiestSecond: 0 };
/** Calls per whole second since the first (`GET /seconds`): where a run lost its pace, for HERALD_BENCH_STAGES. */
let seconds: number[] = [];
let window: number[] = [];
let windowStart = 0;
const ses = createServer((req, res) => {
  const bulk = req.url?.startsWith('/v2/email/outbound-bulk-emails') ?? false;
  // Only a bulk call's body is read (for its entries); a SendEmail's is drained unread.
  const chunks: Buffer[] = [];
  if (bulk) req.on('data', (chunk: Buffer) => chunks.push(chunk));
  else req.resume();
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/count') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(counts));
      return;
    }
    if (req.method === 'GET' && req.url === '/seconds') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(seconds));
      return;
    }
    if (req.method === 'POST' && req.url === '/reset') {
      Object.assign(counts, { sent: 0, calls: 0, first: 0, last: 0, busiestSecond: 0 });
      seconds = [];
      window = [];
      windowStart = 0;
      res.end();
      return;
    }
    const now = performance.timeOrigin + performance.now();
    const mails = bulk
      ? ((JSON.parse(Buffer.concat(chunks).toString()) as { BulkEmailEntries?: unknown[] }).BulkEmailEntries
          ?.length ?? 0)
      : 1;
    for (let i = 0; i < mails; i++) window.push(now);
    while (window[windowStart]! <= now - 1000) windowStart++;
    counts.busiestSecond = Math.max(counts.busiestSecond, window.length - windowStart);
    if (windowStart > 10_000) {
      window = window.slice(windowStart);
      windowStart = 0;
    }
    if (counts.sent === 0) counts.first = now;
    const second = Math.floor((now - counts.first) / 1000);
    seconds[second] = (seconds[second] ?? 0) + mails;
    counts.calls++;
    const first = counts.sent;
    counts.sent += mails;
    counts.last = now;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        bulk
          ? {
              BulkEmailEntryResults: Array.from({ length: mails }, (_, i) => ({
                Status: 'SUCCESS',
                MessageId: `bench-${first + i + 1}`,
              })),
            }
          : { MessageId: `bench-${counts.sent}` },
      ),
    );
  });
});
await new Promise<void>((resolve) => ses.listen(0, HOST, () => resolve()));

const { port } = ses.address() as AddressInfo;
console.log(JSON.stringify({ ses: `http://${HOST}:${port}`, pid: process.pid }));
