/**
 * The emulators of the fan-out benchmark, in a process of their own (their CPU and memory are not
 * Herald's): S3, SQS, DynamoDB in memory. SES's counting sink is in a process of its own
 * (`fanout-ses-sink.ts`). Prints one JSON line with the endpoints, then serves until killed.
 */

import { mkdtemp } from 'node:fs/promises';
import type { Server } from 'node:http';
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

console.log(
  JSON.stringify({
    s3: url(s3Server),
    sqs: url(sqs),
    dynamodb: url(dynamo),
    pid: process.pid,
  }),
);
