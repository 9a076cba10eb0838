/**
 * The emulators of the fan-out benchmark, in a process of their own (their CPU and memory are not
 * Herald's): S3, SQS, DynamoDB in memory, and in place of SES a counting sink that answers SendEmail
 * as SES v2 does and keeps no bodies. Prints one JSON line with the endpoints, then serves until killed.
 */

import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import dynalite from 'dynalite';
import { createSqsServer } from 'local-aws-sqs';
import S3rver from 's3rver';

const HOST = '127.0.0.1';
const url = (server: Server) => `http://${HOST}:${(server.address() as AddressInfo).port}`;
const listen = (server: Server) => new Promise<void>((resolve) => server.listen(0, HOST, () => resolve()));

const s3 = new S3rver({
  address: HOST,
  port: 0,
  directory: await mkdtemp(path.join(tmpdir(), 'herald-bench-s3-')),
  silent: true,
  allowMismatchedSignatures: true,
});
await s3.run();
const s3Server = (s3 as unknown as { httpServer: Server }).httpServer;
const sqs = await createSqsServer({ port: 0, hostname: HOST, emulateQueueCreationLifecycle: false });
const dynamo: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
await listen(dynamo);

/**
 * SES v2 SendEmail, counted: how many, when the first and the last arrived, and the most that arrived in
 * any one second (a sliding window over every arrival: where SES would count).
 */
const counts = { sent: 0, first: 0, last: 0, busiestSecond: 0 };
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
    if (req.method === 'POST' && req.url === '/reset') {
      Object.assign(counts, { sent: 0, first: 0, last: 0, busiestSecond: 0 });
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
    counts.sent++;
    counts.last = now;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ MessageId: `bench-${counts.sent}` }));
  });
});
await listen(ses);

console.log(
  JSON.stringify({
    s3: url(s3Server),
    sqs: url(sqs),
    dynamodb: url(dynamo),
    ses: url(ses),
    pid: process.pid,
  }),
);
