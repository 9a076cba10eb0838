import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** What the process writes while `act` runs, stdout and stderr together. */
async function written(act: () => void | Promise<void>): Promise<string> {
  let out = '';
  const capture = (chunk: unknown) => {
    out += String(chunk);
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await act();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return out;
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('logs', () => {
  it('are one readable line a record with HERALD_LOG_FORMAT=text, as npm start sets', async () => {
    vi.stubEnv('HERALD_LOG_FORMAT', 'text');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    const { logger } = await import('#handlers/shared/logger.ts');
    const out = await written(() => {
      logger.info('document quarantined', { key: 'documents/x.md', reason: 'bad-date' });
      logger.warn('send job deferred', { remaining: 3 });
    });
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d info {2}document quarantined {2}key=documents\/x\.md reason=bad-date$/,
    );
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d warn {2}send job deferred {2}remaining=3$/);
    expect(out).not.toContain('{');
  });

  it('are JSON, as Lambda wants them, otherwise', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    const { logger } = await import('#handlers/shared/logger.ts');
    const out = await written(() => logger.info('article stored', { articleId: 'a' }));
    expect(JSON.parse(out)).toMatchObject({
      level: 'INFO',
      message: 'article stored',
      articleId: 'a',
      service: 'herald',
    });
  });
});

describe('metrics', () => {
  it('write nothing, not even a warning, when nothing was counted', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const { publishMetrics } = await import('#handlers/shared/metrics.ts');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await written(() => publishMetrics())).toBe('');
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('have one naming style', async () => {
    const { metricName } = await import('#handlers/shared/metrics.ts');
    expect(metricName('publicMail', 'already-confirmed')).toBe('publicMailAlreadyConfirmed');
    expect(metricName('ses', 'Bounce')).toBe('sesBounce');
    expect(metricName('subscribe', 'client_limited')).toBe('subscribeClientLimited');
  });
});

describe('every handler, observed', () => {
  it('is wrapped once, by observed(), httpHandler() (whose middleware chain observes) or queueWorker() (which is observed()), and publishes no metrics of its own', () => {
    const dir = new URL('../../../functions/handlers/', import.meta.url);
    const handlers = readdirSync(dir).filter((file) => file.endsWith('.ts'));
    expect(handlers.length).toBeGreaterThan(15);
    for (const file of handlers) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      expect(source, file).toMatch(/export const handler = (observed|httpHandler|queueWorker)\(/);
      expect(source, file).not.toMatch(/publishMetrics|publishStoredMetrics/);
    }
    const worker = readFileSync(new URL('shared/batch.ts', dir), 'utf8');
    expect(worker).toMatch(/export function queueWorker[\s\S]*?return observed\(/);
  });

  const context = {
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    functionName: 'herald-sender',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:herald-sender',
    memoryLimitInMB: '512',
    logGroupName: '/aws/lambda/herald-sender',
    logStreamName: 's',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 1000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };

  it("logs with the invocation's request id and cold start, and counts the cold start once", async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    // Lambda sets this for an on-demand environment; Powertools counts a cold start only there.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const { observed } = await import('#handlers/shared/observed.ts');
    const { logger } = await import('#handlers/shared/logger.ts');
    const handler = observed('test', async () => {
      logger.info('working');
      return 'done';
    });
    const first = await written(async () => {
      expect(await handler({}, context)).toBe('done');
    });
    const lines = first
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((l) => l.message === 'working')).toMatchObject({
      function_request_id: context.awsRequestId,
      function_name: 'herald-sender',
    });
    expect(typeof lines.find((l) => l.message === 'working')?.cold_start).toBe('boolean');
    expect(lines.some((l) => 'ColdStart' in l)).toBe(true);
    const second = await written(() => handler({}, context).then(() => undefined));
    expect(second).not.toContain('ColdStart');
    expect(JSON.parse(second.trimEnd())).toMatchObject({ cold_start: false });
  });
});
