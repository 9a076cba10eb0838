import { Command } from 'commander';
import type { DynamoEngine } from '#local/dynamodb-engine.ts';
import { heraldHome } from '#local/environment.ts';
import { DEFAULT_PORTS, portsFromEnv, startLocalStack } from '#local/stack.ts';

const program = new Command('npm start --')
  .description(
    'Run Herald on this machine: S3, SQS, DynamoDB and SES emulators, the pipeline and the web server.',
  )
  .option('--reset', 'wipe HERALD_HOME (documents, subscribers, sent records) before starting')
  .addHelpText(
    'after',
    `
Environment:
  HERALD_HOME            where state is kept (default .herald/)
  HERALD_S3_PORT         S3 emulator port        (default ${DEFAULT_PORTS.s3})
  HERALD_SQS_PORT        SQS emulator port       (default ${DEFAULT_PORTS.sqs})
  HERALD_DYNAMODB_PORT   DynamoDB emulator port  (default ${DEFAULT_PORTS.dynamodb})
  HERALD_DYNAMODB        dynalite (default, in process) or amazon (Amazon DynamoDB Local; needs Java 17)
  HERALD_SES_PORT        SES emulator and outbox (default ${DEFAULT_PORTS.ses})
  HERALD_SES_SANDBOX=true          the local SES as in the sandbox: only verified recipients
  HERALD_SES_VERIFIED_IDENTITIES   more verified addresses or domains, comma-separated
  HERALD_SES_MAX_SEND_RATE         the local SES account's MaxSendRate (default 200)
  HERALD_SES_MAX_24_HOUR_SEND      the local SES account's Max24HourSend (default 200000)
  HERALD_WEB_PORT        Herald's web server     (default ${DEFAULT_PORTS.web})
  HERALD_PUBLIC_BASE_URL base of links in mail   (default the web server)
  HERALD_FROM_ADDRESS    the From of digests
  HERALD_BATCH_WINDOW_MS documents arriving this close together share a digest (default 1000, at most 2000)
  HERALD_MAX_SEND_RATE   mails per second, all senders together (default 50)
  HERALD_DAILY_QUOTA     mails per rolling window (default 50000); HERALD_QUOTA_WINDOW_SECONDS (default 86400)
  HERALD_SES_ENDPOINT    the sender sends through this SES endpoint instead (e.g. a fault proxy)
  HERALD_REQUIRE_APPROVAL=true  every digest waits for "herald digest approve"

The sender runs in a process of its own, started again when it dies.`,
  )
  .parse();

const { reset } = program.opts<{ reset?: boolean }>();
const home = heraldHome();
const log = (line: string) => console.log(`[herald] ${line}`);

// A person reads this terminal: one readable line per log record, and no metric blobs, unless
// HERALD_LOG_FORMAT=json asks for what Lambda writes (JSON logs and CloudWatch EMF metrics).
process.env.HERALD_LOG_FORMAT ??= 'text';
if (process.env.HERALD_LOG_FORMAT !== 'json') process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

try {
  const batchWindowMs = Number(process.env.HERALD_BATCH_WINDOW_MS ?? 1000);
  if (!Number.isInteger(batchWindowMs) || batchWindowMs < 0 || batchWindowMs > 2000) {
    throw new RangeError('HERALD_BATCH_WINDOW_MS must be a whole number of milliseconds from 0 to 2000');
  }
  const stack = await startLocalStack({
    home,
    ports: portsFromEnv(),
    reset: Boolean(reset),
    batchWindowMs,
    log,
    senderProcess: true,
    workerProcess: true,
  });
  const { config } = stack;
  console.log(`
Herald is running on the embedded local AWS (state in ${home}).

  service    endpoint
  s3         ${config.endpoints.s3}    bucket ${config.bucket}, documents under ${config.documentsPrefix}
  sqs        ${config.endpoints.sqs}
  dynamodb   ${config.endpoints.dynamodb}    table ${config.table}, ${engineLine(stack.dynamodb.engine)}
  sesv2      ${config.endpoints.sesv2}    outbox ${config.endpoints.outbox}
  web        ${config.endpoints.web}
  region     ${config.region}, access key ${config.credentials.accessKeyId} / secret ${config.credentials.secretAccessKey} (local only)

Publish:  npx herald publish samples/press-release-en.txt
Add:      npx herald subscribers add reader@example.org --lang en --confirmed
Stop:     Ctrl-C (work in flight is finished or kept for the next start)
`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing work in flight…`);
    stack.stop().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('[herald] shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(
      `[herald] a port is already in use (${message}). Is Herald already running? Set HERALD_*_PORT to move it.`,
    );
  } else {
    console.error(`[herald] could not start: ${message}`);
  }
  process.exit(1);
}

function engineLine(engine: DynamoEngine): string {
  return engine === 'amazon'
    ? 'engine Amazon DynamoDB Local (Java; HERALD_DYNAMODB=amazon)'
    : 'engine dynalite (HERALD_DYNAMODB=amazon runs Amazon DynamoDB Local instead)';
}
