/**
 * Herald's side of the fan-out benchmark, in a process of its own: the planner (publishing one digest
 * to every subscriber) and the sender (the send queue's poller running the sender handler, as
 * `npm start` does), with the configuration the parent gives in the environment. Reports its own CPU
 * time and peak RSS when the parent asks.
 */
import { randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { ClientRequest } from 'node:http';
import { Session } from 'node:inspector/promises';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { publishing } from '#builders/publishing.ts';
import { publishDigests } from '#core/digests/publish.ts';
import { sampleArticles } from '#core/mail/samples.ts';
import type { SqsHandler } from '#local/poller.ts';
import { SqsPoller } from '#local/poller.ts';
import { SENDER_BATCH } from '#local/sender-batch.ts';

// HERALD_BENCH_PROFILE=FILE writes a CPU profile of this process (open it in Chrome's DevTools).
const profiler = process.env.HERALD_BENCH_PROFILE ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}

/**
 * The peak resident set the kernel keeps for this process's own memory (VmHWM, Linux): nothing to poll,
 * and no peak missed between polls. Not `ru_maxrss`, which starts from the parent's peak at spawn.
 */
function peakRss(): number {
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return (hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS) * 1024;
}
const stage = (name: string) => {
  if (process.env.HERALD_BENCH_STAGES) {
    const m = process.memoryUsage();
    process.stderr.write(
      `[herald] ${name}: rss ${m.rss >> 20} MB (peak ${peakRss() >> 20}), heap ${m.heapUsed >> 20}/${m.heapTotal >> 20} MB, external ${m.external >> 20} MB, buffers ${m.arrayBuffers >> 20} MB\n`,
    );
  }
};
stage('loaded');
// With HERALD_BENCH_STAGES, the AWS calls Herald made, by operation, are printed with the report.
const calls = new Map<string, number>();
// And how long each took, request start to response end: an SES call's round trip is what the late
// ceiling's window holds on top of a second.
const tripsMs = new Map<string, number[]>();
const started = new WeakMap<ClientRequest, { name: string; at: number }>();
if (process.env.HERALD_BENCH_STAGES) {
  subscribe('http.client.request.start', (message) => {
    const { request } = message as { request: ClientRequest };
    // JSON protocols name the operation in a header (DynamoDB_20120810.UpdateItem), S3 in the query
    // (x-id=PutObject); SES v2 is plain REST (POST /v2/email/outbound-emails).
    const target = request.getHeader('x-amz-target');
    const name = target
      ? String(target).replace(/^.*\./, '')
      : (/[?&]x-id=(\w+)/.exec(request.path)?.[1] ?? `${request.method} ${request.path.split('?')[0]}`);
    calls.set(name, (calls.get(name) ?? 0) + 1);
    started.set(request, { name, at: performance.now() });
  });
  subscribe('http.client.response.finish', (message) => {
    const start = started.get((message as { request: ClientRequest }).request);
    if (!start) return;
    const trips = tripsMs.get(start.name) ?? [];
    trips.push(performance.now() - start.at);
    tripsMs.set(start.name, trips);
  });
}

/** Median and 90th percentile of each operation's round trips, in ms. */
function roundTrips(): Record<string, string> {
  return Object.fromEntries(
    [...tripsMs].map(([name, trips]) => {
      const sorted = trips.sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
      return [name, `${at(0.5).toFixed(1)}/${at(0.9).toFixed(1)}`];
    }),
  );
}

const poller = new SqsPoller({
  name: 'herald-sender',
  queueUrl: process.env.HERALD_SEND_QUEUE_URL!,
  queueArn: 'arn:aws:sqs:us-east-1:000000000000:herald-send',
  region: 'us-east-1',
  handler: async () => ((await import('#handlers/sender.ts')) as { handler: SqsHandler }).handler,
  batchSize: SENDER_BATCH.batchSize,
  batchWindowMs: 0,
  concurrency: SENDER_BATCH.concurrency,
  visibilityTimeoutSeconds: 120,
  onError: (error) => {
    if (!(error instanceof Error && error.name === 'FullBatchFailureError')) console.error('[sender]', error);
  },
});
poller.start();

// Two articles; readers who chose the first one's topic get a narrower variant (one article).
const { ports, settings } = publishing();
let renders = 0;
const saveRendered = ports.digests.saveRendered.bind(ports.digests);
ports.digests.saveRendered = async (rendered) => {
  renders++;
  return saveRendered(rendered);
};
const run = randomUUID().slice(0, 8);
const versions = (
  await sampleArticles(new FileTemplateSource(process.env.HERALD_TEMPLATES_DIR), 'en', 2)
).map((version, i) => ({
  ...version,
  articleId: `bench-${run}-${i}`,
  contentHash: `${run}${i}`.padEnd(64, '0'),
  sourceKey: `documents/bench-${run}-${i}.txt`,
  topics: [i === 0 ? 'trade' : 'culture'],
  ingestedAt: new Date().toISOString(),
}));
for (const version of versions) await ports.articles.putVersion(version);
const planningStarted = performance.now();
const [planned] = await publishDigests(ports, settings, versions, 'immediate', new Date());
const planningMs = performance.now() - planningStarted;
stage('planned');
setInterval(() => stage('sending'), 2000).unref();
process.send?.({ kind: 'planned', recipients: planned?.recipients ?? 0, renders, planningMs });

process.on('message', async (message: { kind: string }) => {
  if (message.kind !== 'report') return;
  const cpu = process.cpuUsage();
  stage(`cpu user ${Math.round(cpu.user / 1000)} ms, system ${Math.round(cpu.system / 1000)} ms`);
  if (process.env.HERALD_BENCH_STAGES) {
    threadTimes();
    const usage = process.resourceUsage();
    process.stderr.write(
      `[herald] context switches: ${usage.voluntaryContextSwitches} voluntary, ${usage.involuntaryContextSwitches} involuntary\n`,
    );
    process.stderr.write(`[herald] calls: ${JSON.stringify(Object.fromEntries(calls))}\n`);
    process.stderr.write(`[herald] round trips, ms (median/p90): ${JSON.stringify(roundTrips())}\n`);
  }
  process.send?.({
    kind: 'report',
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: peakRss() / 1024 / 1024,
    renders,
  });
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    await writeFile(process.env.HERALD_BENCH_PROFILE!, JSON.stringify(profile));
  }
  await poller.stop();
  process.exit(0);
});

/** CPU time by thread (Linux): the main thread, V8's GC helpers, libuv's pool, the mjml worker if alive. */
function threadTimes() {
  const tick = 10; // ms per clock tick (USER_HZ is 100 on Linux)
  for (const id of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${id}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [user, system] = [Number(fields[11]) * tick, Number(fields[12]) * tick];
    if (user + system > 0)
      process.stderr.write(`[herald] thread ${id}: user ${user} ms, system ${system} ms\n`);
  }
}
