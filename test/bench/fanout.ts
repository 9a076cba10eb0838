/**
 * The fan-out scenario: one digest to N subscribers (100,000 by default) through the whole pipeline —
 * planner, send queue, sender handler with its ledger, pace and quota — against emulators in their own
 * process, with a counting sink in place of SES in another (where SES would count the calls). Herald runs
 * in a process of its own, so its CPU time and memory are measured apart from the emulators'.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendBulkEmailCommand, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { subscriberItem } from '#adapters/dynamodb-subscribers.ts';
import { MAX_BULK_ENTRIES } from '#builders/delivery.ts';
import { digestRate } from '#core/public-mail/rate.ts';
import { subscriberIdFor } from '#core/subscriptions/address-hash.ts';
import { esbuildOptions, LEAN_RUNTIME } from '#infra/bundling.ts';
import { provision } from '#local/provision.ts';
import { bundleMjmlWorker } from '../support/bundles.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const say = (line: string) => process.stderr.write(`[fanout] ${line}\n`);
/** The sender's concurrency: four pollers, each handing the handler five jobs at once (SENDER_BATCH). */
const SENDER_CONCURRENCY = 20;
/** The public-mail worker's rate, which the digest senders leave free (the default). */
const PUBLIC_MAIL_RATE = 2;
/** The address key of the benchmark's readers (their ids) and of Herald's process. */
const ADDRESS_KEY = { secret: randomBytes(32).toString('base64url') };

function node(script: string, env: NodeJS.ProcessEnv, ipc = false): ChildProcess {
  // Herald's bundle runs as the sender function does (LEAN_RUNTIME), plus HERALD_BENCH_NODE_OPTIONS.
  const herald = script.endsWith('.mjs');
  const args = herald
    ? [
        ...LEAN_RUNTIME.nodeOptions,
        ...(process.env.HERALD_BENCH_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []),
        script,
      ]
    : ['--openssl-legacy-provider', '--import', 'tsx', here(script)];
  return spawn(process.execPath, args, {
    env: { ...process.env, ...(herald ? LEAN_RUNTIME.environment : {}), ...env },
    stdio: ipc
      ? // Herald's own output (its metrics, with HERALD_BENCH_STAGES) goes to stderr: stdout is the JSON lines.
        ['ignore', process.env.HERALD_BENCH_STAGES ? process.stderr : 'ignore', 'inherit', 'ipc']
      : ['ignore', 'pipe', 'inherit'],
  });
}

/**
 * Herald's process runs bundled JavaScript, as Lambda does (the same esbuild options as every
 * function), not TypeScript compiled on the fly.
 */
async function bundleHerald(): Promise<{ file: string; templates: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'herald-bench-'));
  const file = path.join(dir, 'index.mjs');
  await build({
    entryPoints: [here('./fanout-herald.ts')],
    outfile: file,
    // Planner and sender together: bundled like the ingest function, mjml in the worker beside it.
    ...esbuildOptions({ mjmlWorker: true }),
    minify: !process.env.HERALD_BENCH_PROFILE,
  });
  await bundleMjmlWorker(dir);
  const templates = path.join(dir, 'templates');
  await cp(here('../../templates'), templates, { recursive: true });
  return { file, templates };
}

type SinkCount = { sent: number; calls: number; first: number; last: number; busiestSecond: number };
async function sinkCount(ses: string): Promise<SinkCount> {
  return (await fetch(`${ses}/count`)).json() as Promise<SinkCount>;
}

/** Confirmed English subscribers, 25 per BatchWriteItem, 10 calls at a time; one in ten chose a topic. */
async function seed(table: string, count: number) {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const now = new Date().toISOString();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const start = next;
      next = Math.min(count, next + 25);
      let request: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> | undefined = {
        [table]: Array.from({ length: next - start }, (_, i) => {
          const email = `reader${start + i}@bench.example.org`;
          const item = subscriberItem({
            id: subscriberIdFor(ADDRESS_KEY, email),
            email,
            status: 'confirmed',
            lang: 'en',
            cadence: 'immediate',
            ...((start + i) % 10 === 0 ? { topics: ['trade'] } : {}),
            createdAt: now,
            updatedAt: now,
          });
          return { PutRequest: { Item: item } };
        }),
      };
      while (request && Object.keys(request).length > 0) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: request }));
        request = result.UnprocessedItems as typeof request;
      }
      if (start % 20_000 === 0 && start > 0) say(`seeded ${start} subscribers`);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
}

/** One pipeline run: Herald's process plans a digest to everyone and sends it; the sink counts. */
async function pipeline(env: NodeJS.ProcessEnv, ses: string, rate: number, expected: number) {
  await fetch(`${ses}/reset`, { method: 'POST' });
  const herald = node(env.HERALD_BUNDLE!, { ...env, HERALD_MAX_SEND_RATE: String(rate) }, true);
  const messages: Array<Record<string, number | string>> = [];
  herald.on('message', (message: Record<string, number | string>) => messages.push(message));
  let count = await sinkCount(ses);
  let shown = 0;
  while (count.sent < expected) {
    if (herald.exitCode !== null) throw new Error(`Herald's process exited (${herald.exitCode})`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    count = await sinkCount(ses);
    if (count.sent - shown >= expected / 10) {
      shown = count.sent;
      say(`${count.sent} of ${expected} sent at ${rate >= 1e5 ? 'no limit' : `${rate}/s`}`);
    }
  }
  if (process.env.HERALD_BENCH_STAGES) {
    const seconds = (await (await fetch(`${ses}/seconds`)).json()) as Array<number | null>;
    say(`SES calls per second, from the first: ${seconds.map((n) => n ?? 0).join(' ')}`);
  }
  herald.send({ kind: 'report' });
  while (!messages.some((m) => m.kind === 'report')) await new Promise((resolve) => setTimeout(resolve, 50));
  await once(herald, 'exit');
  const planned = messages.find((m) => m.kind === 'planned')!;
  const report = messages.find((m) => m.kind === 'report')!;
  return {
    sent: count.sent,
    rate: (count.sent - 1) / ((count.last - count.first) / 1000),
    busiestSecond: count.busiestSecond,
    calls: count.calls,
    cpuMs: Number(report.cpuMs),
    peakRssMb: Number(report.peakRssMb),
    renders: Number(report.renders),
    planningMs: Number(planned.planningMs),
    planned: Number(planned.recipients),
  };
}

/**
 * A plain SES loop at the sender's concurrency, calling SES as Herald does — SendBulkEmail with
 * `entries` readers a call, an inline template and each reader's own data and headers — with nothing
 * else: the sink's and the SDK's own speed, for comparison.
 */
async function bare(sends: number, entries: number): Promise<number> {
  const client = new SESv2Client({});
  const html = `<html><body>${'<p>A paragraph of a press release, as long as a digest.</p>'.repeat(700)}<a href="{{h_u}}">x</a></body></html>`;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SENDER_CONCURRENCY }, async () => {
      while (next < sends) {
        const first = next;
        next = Math.min(sends, next + entries);
        await client.send(
          new SendBulkEmailCommand({
            FromEmailAddress: 'bench@example.org',
            DefaultContent: {
              Template: {
                TemplateContent: { Subject: 'Bench', Html: html, Text: 'text {{t_u}}' },
                TemplateData: '{}',
              },
            },
            BulkEmailEntries: Array.from({ length: next - first }, (_, i) => {
              const url = `https://news.example.org/unsubscribe?t=k1.reader${first + i}.x.${'a'.repeat(43)}`;
              return {
                Destination: { ToAddresses: [`bare${first + i}@bench.example.org`] },
                ReplacementEmailContent: {
                  ReplacementTemplate: { ReplacementTemplateData: JSON.stringify({ h_u: url, t_u: url }) },
                },
                ReplacementHeaders: [
                  { Name: 'List-Unsubscribe', Value: `<${url}>` },
                  { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
                ],
              };
            }),
          }),
        );
      }
    }),
  );
  return sends / ((performance.now() - started) / 1000);
}

/** A plain SendEmail loop at the sender's concurrency, one mail a call: what Herald called before bulk sends. */
async function bareSingle(sends: number): Promise<number> {
  const client = new SESv2Client({});
  const html = `<html><body>${'<p>A paragraph of a press release, as long as a digest.</p>'.repeat(700)}</body></html>`;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SENDER_CONCURRENCY }, async () => {
      while (next < sends) {
        next++;
        await client.send(
          new SendEmailCommand({
            FromEmailAddress: 'bench@example.org',
            Destination: { ToAddresses: [`bare${next}@bench.example.org`] },
            Content: {
              Simple: { Subject: { Data: 'Bench' }, Body: { Html: { Data: html }, Text: { Data: 'text' } } },
            },
          }),
        );
      }
    }),
  );
  return sends / ((performance.now() - started) / 1000);
}

export async function fanout() {
  const recipients = Number(process.argv.find((_, i, all) => all[i - 1] === '--recipients') ?? 100_000);
  const emulators = node('./fanout-emulators.ts', {});
  const sesSink = node('./fanout-ses-sink.ts', {});
  try {
    const firstLine = async (child: ChildProcess) =>
      JSON.parse(((await once(createInterface({ input: child.stdout! }), 'line')) as [string])[0]);
    const endpoints = {
      ...((await firstLine(emulators)) as Record<'s3' | 'sqs' | 'dynamodb', string>),
      ...((await firstLine(sesSink)) as Record<'ses', string>),
    };
    const env: NodeJS.ProcessEnv = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    };
    Object.assign(process.env, env);
    const resources = await provision({ bucket: 'herald-bench', table: 'herald-bench' });
    say(`seeding ${recipients} subscribers`);
    await seed(resources.table, recipients);

    const bundle = await bundleHerald();
    const heraldEnv: NodeJS.ProcessEnv = {
      ...env,
      HERALD_BUNDLE: bundle.file,
      HERALD_TEMPLATES_DIR: bundle.templates,
      HERALD_TABLE: resources.table,
      HERALD_BUCKET: resources.bucket,
      HERALD_SEND_QUEUE_URL: resources.queues.send,
      HERALD_PUBLIC_BASE_URL: 'https://news.example.org/',
      HERALD_FROM_ADDRESS: 'Herald <digest@news.example.org>',
      HERALD_TOKEN_KEYS: JSON.stringify({ current: 'k1', k1: randomBytes(32).toString('base64url') }),
      HERALD_ADDRESS_KEY: ADDRESS_KEY.secret,
      HERALD_SENDER_CONCURRENCY: '1',
      HERALD_PUBLIC_MAIL_RATE: String(PUBLIC_MAIL_RATE),
      HERALD_DAILY_QUOTA: String(10 * recipients),
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    };
    const configuredRate = 200;
    const paced = await pipeline(heraldEnv, endpoints.ses, configuredRate, recipients);
    say(`paced run: ${round(paced.rate)} mails/s; now a plain SendBulkEmail loop`);
    const bareSesRate = await bare(Math.min(recipients, 20_000), MAX_BULK_ENTRIES);
    const bareSendEmailRate = await bareSingle(Math.min(recipients, 10_000));
    say(`bare SES: ${round(bareSesRate)} mails/s; now the pipeline with no limit`);
    const unlimited = await pipeline(
      {
        ...heraldEnv,
        HERALD_BENCH_PROFILE: process.env.HERALD_BENCH_PROFILE?.replace(/(\.cpuprofile)?$/, '-unlimited$1'),
      },
      endpoints.ses,
      1e6,
      recipients,
    );
    return {
      scenario: 'fanout',
      recipients,
      configuredRate,
      // The digest senders' share: the account's rate less the public-mail worker's (2 a second).
      digestRate: digestRate(configuredRate, PUBLIC_MAIL_RATE),
      achievedRate: round(paced.rate),
      rateRatio: round(paced.rate / digestRate(configuredRate, PUBLIC_MAIL_RATE), 3),
      // The most mails the sink saw in any one second (a bulk call's entries each), against the digest senders' share.
      busiestSecond: paced.busiestSecond,
      sesCallsPerRecipient: round(paced.calls / paced.sent, 3),
      bareSesRate: round(bareSesRate),
      pipelineRate: round(unlimited.rate),
      pipelineVsBare: round(unlimited.rate / bareSesRate, 3),
      // Against a plain loop of one SendEmail a mail, as the pipeline itself called SES before bulk sends.
      bareSendEmailRate: round(bareSendEmailRate),
      pipelineVsBareSendEmail: round(unlimited.rate / bareSendEmailRate, 3),
      cpuMsPerRecipient: round(paced.cpuMs / paced.sent, 3),
      cpuMsPerRecipientUnlimited: round(unlimited.cpuMs / unlimited.sent, 3),
      rendersPerDigest: paced.renders,
      digestVariants: 2,
      peakRssMb: round(paced.peakRssMb, 1),
      peakRssMbUnlimited: round(unlimited.peakRssMb, 1),
      planningSeconds: round(paced.planningMs / 1000, 1),
      planningPerSecond: Math.round(paced.planned / (paced.planningMs / 1000)),
      senderConcurrency: SENDER_CONCURRENCY,
    };
  } finally {
    emulators.kill();
    sesSink.kill();
  }
}
