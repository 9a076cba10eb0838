import type { LogItem } from '@aws-lambda-powertools/logger';
import { Logger } from '@aws-lambda-powertools/logger';

/** What every line carries on AWS, and what a person at a terminal does not need to read on every line. */
const QUIET = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'function_arn',
  'function_memory_size',
  'function_request_id',
  'cold_start',
  'function_name',
]);
// Powertools' level thresholds.
const LEVELS = new Map([
  [6, 'trace'],
  [8, 'debug'],
  [12, 'info'],
  [16, 'warn'],
  [20, 'error'],
  [24, 'critical'],
]);

const show = (value: unknown): string => {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value && typeof value === 'object') {
    const error = value as { name?: string; message?: string };
    if (typeof error.name === 'string' && typeof error.message === 'string')
      return `${error.name}: ${error.message}`;
    return JSON.stringify(value);
  }
  return String(value);
};

/**
 * Powertools' logger: structured JSON on AWS (one object a line, with the invocation's context). With
 * `HERALD_LOG_FORMAT=text` — the local stack's default — one readable line a record instead:
 * `12:04:31 warn  document quarantined  key=documents/x.md reason=bad-date`.
 */
class HeraldLogger extends Logger {
  protected override printLog(logLevel: number, log: LogItem): void {
    if (process.env.HERALD_LOG_FORMAT !== 'text') {
      super.printLog(logLevel, log);
      return;
    }
    const attributes = log.getAttributes() as Record<string, unknown>;
    const fields = Object.entries(attributes)
      .filter(([name, value]) => !QUIET.has(name) && value !== undefined && value !== '')
      .map(([name, value]) => `${name}=${show(value)}`);
    const time = new Date().toTimeString().slice(0, 8);
    const level = (LEVELS.get(logLevel) ?? 'info').padEnd(5);
    const line = `${time} ${level} ${String(attributes.message ?? '')}${fields.length ? `  ${fields.join(' ')}` : ''}`;
    (logLevel >= 16 ? process.stderr : process.stdout).write(`${line}\n`);
  }
}

/** Structured logs. Ids only — never an email address or a document's content. */
export const logger = new HeraldLogger({ serviceName: 'herald' });
