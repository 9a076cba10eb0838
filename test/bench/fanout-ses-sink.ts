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
 * SES v2 SendEmail, counted: how many, when the first and the last arrived, and the most that arrived in
 * any one second (a sliding window over every arrival: where SES would count).
 */
const counts = { sent: 0, first: 0, last: 0, busiestSecond: 0 };
/** Calls per whole second since the first (`GET /seconds`): where a run lost its pace, for HERALD_BENCH_STAGES. */
let seconds: number[] = [];
let window: number[] = [];
let windowStart = 0;
const ses = createServer((req, res) => {
  req.resume();
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
      Object.assign(counts, { sent: 0, first: 0, last: 0, busiestSecond: 0 });
      seconds = [];
      window = [];
      windowStart = 0;
      res.end();
      return;
    }
    const now = performance.timeOrigin + performance.now();
    window.push(now);
    while (window[windowStart]! <= now - 1000) windowStart++;
    counts.busiestSecond = Math.max(counts.busiestSecond, window.length - windowStart);
    if (windowStart > 10_000) {
      window = window.slice(windowStart);
      windowStart = 0;
    }
    if (counts.sent === 0) counts.first = now;
    const second = Math.floor((now - counts.first) / 1000);
    seconds[second] = (seconds[second] ?? 0) + 1;
    counts.sent++;
    counts.last = now;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ MessageId: `bench-${counts.sent}` }));
  });
});
await new Promise<void>((resolve) => ses.listen(0, HOST, () => resolve()));

const { port } = ses.address() as AddressInfo;
console.log(JSON.stringify({ ses: `http://${HOST}:${port}`, pid: process.pid }));
