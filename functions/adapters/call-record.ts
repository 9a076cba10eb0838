import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * A record of the AWS calls each function makes, for the test that holds every call to its function's
 * IAM role (`test/proof/iam.test.ts`). Off unless `HERALD_RECORD_AWS_CALLS` names a folder, as the test
 * suite sets it; on AWS and under `npm start` nothing is recorded and nothing is added to a client.
 *
 * A call is recorded under the function whose invocation made it (`observed` runs each invocation in
 * `asFunction`), so the local stack's own plumbing, the CLI and the tests' own SDK calls are left out:
 * on AWS they are not made by a function's role.
 */
const current = new AsyncLocalStorage<string>();

export function asFunction<T>(name: string, work: () => Promise<T>): Promise<T> {
  return folder() ? current.run(name, work) : work();
}

export interface RecordedCall {
  /** The handler module, as `HeraldFunction` names it (`metadata herald:handler`). */
  readonly fn: string;
  readonly service: string;
  /** The SDK command, e.g. `GetItemCommand`. */
  readonly command: string;
  /** What the call names, each with the environment variable it came from where one holds it. */
  readonly input: Record<string, unknown>;
}

const folder = () => process.env.HERALD_RECORD_AWS_CALLS;
const seen = new Set<string>();

interface MiddlewareStack {
  add(
    middleware: (
      next: (args: { input: unknown }) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: { input: unknown }) => Promise<unknown>,
    options: { step: 'initialize'; name: string },
  ): void;
}

/** Adds the recorder to a client when recording is on; returns the client either way. */
export function recordingCalls<C extends { middlewareStack: unknown }>(client: C, service: string): C {
  const dir = folder();
  if (!dir) return client;
  (client.middlewareStack as MiddlewareStack).add(
    (next, context) => async (args) => {
      const fn = current.getStore();
      if (fn)
        record(dir, { fn, service, command: context.commandName ?? 'unknown', input: describe(args.input) });
      return next(args);
    },
    { step: 'initialize', name: 'heraldCallRecord' },
  );
  return client;
}

function record(dir: string, call: RecordedCall): void {
  const line = JSON.stringify(call);
  if (seen.has(line)) return;
  seen.add(line);
  mkdirSync(dir, { recursive: true });
  appendFileSync(path.join(dir, `${process.pid}.jsonl`), `${line}\n`);
}

/** The parts of a request IAM looks at: names of resources, and the partition keys DynamoDB is asked for. */
function describe(input: unknown): Record<string, unknown> {
  const value = (input ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of [
    'TableName',
    'IndexName',
    'Bucket',
    'Key',
    'Prefix',
    'VersionId',
    'QueueUrl',
    'QueueName',
    'SecretId',
    'FunctionName',
    'FromEmailAddress',
    'ConfigurationSetName',
    'EmailIdentity',
  ]) {
    const field_ = value[field];
    if (field_ === undefined) continue;
    out[field] =
      field === 'Key'
        ? typeof field_ === 'object'
          ? leadingKey(field_)
          : objectClass(field_)
        : fromEnvironment(field_, field);
  }
  if (typeof value.CopySource === 'string') {
    const [bucket = '', ...key] = decodeURIComponent(value.CopySource).replace(/^\//, '').split('/');
    out.CopySource = { Bucket: fromEnvironment(bucket, 'Bucket'), Key: objectClass(key.join('/')) };
  }
  if (typeof value.KeyConditionExpression === 'string')
    out.KeyCondition = queriedKey(
      value.KeyConditionExpression,
      value.ExpressionAttributeNames as Record<string, string> | undefined,
      value.ExpressionAttributeValues as Record<string, unknown> | undefined,
    );
  if (value.Item && typeof value.Item === 'object') out.Item = leadingKey(value.Item);
  if (value.RequestItems && typeof value.RequestItems === 'object')
    out.RequestItems = Object.fromEntries(
      Object.entries(value.RequestItems as Record<string, unknown>).map(([table, request]) => [
        fromEnvironment(table),
        batchKeys(request),
      ]),
    );
  if (Array.isArray(value.TransactItems))
    out.TransactItems = (value.TransactItems as Array<Record<string, Record<string, unknown>>>).map((item) =>
      Object.fromEntries(
        Object.entries(item).map(([kind, operation]) => [
          kind,
          {
            TableName: fromEnvironment(operation.TableName),
            pk: leadingKey(operation.Key ?? operation.Item),
          },
        ]),
      ),
    );
  if (Array.isArray(value.Entries)) out.Entries = value.Entries.length;
  return out;
}

/**
 * `$HERALD_TABLE` for the value of HERALD_TABLE: the test finds the resource through the same variable in
 * the function's synthesized environment (there, a reference to the table).
 */
function fromEnvironment(value: unknown, field = 'TableName'): unknown {
  if (typeof value !== 'string') return value;
  // Locally the bucket and the table share a name: the field says which variable to look for.
  const kind = KIND_OF_FIELD[field];
  for (const [name, setting] of Object.entries(process.env))
    if (name.startsWith('HERALD_') && setting === value && (!kind || kind.test(name))) return `$${name}`;
  return value;
}

const KIND_OF_FIELD: Record<string, RegExp> = {
  TableName: /TABLE/,
  Bucket: /BUCKET/,
  QueueUrl: /QUEUE_URL/,
  SecretId: /SECRET/,
  FromEmailAddress: /FROM/,
  ConfigurationSetName: /CONFIGURATION_SET/,
};

/**
 * The partition key `pk` of an item or key, marshalled (`{S: …}`) or not, as its partition: Herald's
 * grants name partitions by prefix (`SUB#*`) or whole (`QUOTA`), so `SUB#r_1` and `SUB#r_2` are one call.
 */
function leadingKey(item: unknown): unknown {
  const raw = (item as Record<string, unknown> | undefined)?.pk;
  const pk = raw && typeof raw === 'object' && 'S' in raw ? (raw as { S: string }).S : raw;
  return typeof pk === 'string' ? partitionOf(pk) : pk;
}

const partitionOf = (key: string) => (key.includes('#') ? `${key.slice(0, key.indexOf('#') + 1)}…` : key);

/** An object key by its top folder (`digests/…`): the grants name folders, not objects. */
const objectClass = (key: unknown) =>
  typeof key === 'string' && key.includes('/') ? `${key.slice(0, key.indexOf('/') + 1)}…` : key;

function batchKeys(request: unknown): unknown {
  if (Array.isArray(request))
    return [
      ...new Set(
        request.map((entry: Record<string, { Item?: unknown; Key?: unknown }>) => {
          const [kind, body] = Object.entries(entry)[0] ?? ['unknown', {}];
          return `${kind} ${String(leadingKey(body.Item ?? body.Key))}`;
        }),
      ),
    ];
  const keys = (request as { Keys?: unknown[] }).Keys ?? [];
  return [...new Set(keys.map((key) => `GetRequest ${String(leadingKey(key))}`))];
}

/** The attribute and value of a query's partition-key condition (`pk = :pk`, `#index = :audience`). */
function queriedKey(
  expression: string,
  names: Record<string, string> = {},
  values: Record<string, unknown> = {},
): { attribute: string; value: unknown } | undefined {
  const match = /^\s*([#\w]+)\s*=\s*(:\w+)/.exec(expression);
  if (!match) return undefined;
  const [, name = '', placeholder = ''] = match;
  const attribute = name.startsWith('#') ? (names[name] ?? name) : name;
  const raw = values[placeholder];
  const value = raw && typeof raw === 'object' && 'S' in raw ? (raw as { S: string }).S : raw;
  return { attribute, value: typeof value === 'string' ? partitionOf(value) : value };
}
