/**
 * One side of the tracer benchmark, in a process of its own: `count` SendEmail calls through Herald's SES
 * client — captured by the Powertools tracer or not (`TRACED`) — against the sink at `SINK`; prints the
 * CPU milliseconds per call. Lambda's environment is imitated (a function name, a sampled trace id, a
 * daemon address nothing listens on), so the X-Ray SDK does all it would do there.
 */

import { Tracer } from '@aws-lambda-powertools/tracer';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { sesClient } from '#adapters/clients.ts';

const count = Number(process.env.COUNT ?? 3000);
const tracer = new Tracer({ serviceName: 'herald-bench', captureHTTPsRequests: false });
const client = process.env.TRACED === '1' ? tracer.captureAWSv3Client(sesClient()) : sesClient();
const send = () =>
  client.send(
    new SendEmailCommand({
      FromEmailAddress: 'news@example.org',
      Destination: { ToAddresses: ['reader@example.org'] },
      Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
    }),
  );
for (let i = 0; i < 200; i++) await send();
const start = process.cpuUsage();
for (let i = 0; i < count; i += 10) await Promise.all(Array.from({ length: 10 }, send));
const used = process.cpuUsage(start);
process.stdout.write(
  JSON.stringify({
    cpuMsPerCall: (used.user + used.system) / 1000 / count,
    tracing: tracer.isTracingEnabled(),
  }),
);
