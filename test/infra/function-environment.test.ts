import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHeraldConfig } from '#infra/config.ts';
import { HANDLER_METADATA } from '#infra/constructs/herald-function.ts';
import { buildHerald } from '#infra/herald-app.ts';
import { testApp } from '../support/cdk-app.ts';
import { startFakeStackApis } from '../support/fake-stack-apis.ts';
import { type CfnTemplate, StackModel } from '../support/iam-policy.ts';

/**
 * Each function's synthesized environment is enough for its handler: the handler module is started
 * (its cold start: the configuration validated by its own schema, the keys read from Secrets Manager)
 * in a process of its own with exactly the variables CloudFormation would give it, read from the
 * template — references replaced by values of the shape AWS gives them (a queue's Ref is its URL, a
 * secret's its ARN). A variable the template forgets, or one the schema refuses, fails here, not at the
 * first invocation after a deploy.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';
const TOKEN_KEYS = JSON.stringify({ current: 'k1', k1: 'k'.repeat(40) });
const ADDRESS_KEY = 'a'.repeat(40);

interface Started {
  readonly handler: string;
  readonly environment: Record<string, string>;
}

/** A value of the shape AWS resolves a reference to, for the resource's type. */
function plausible(model: StackModel, id: string, attribute: string | undefined): string {
  const type = model.typeOf(id) ?? 'unknown';
  const arn = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;
  if (attribute === 'ApiEndpoint')
    return `https://${id.toLowerCase().slice(0, 10)}.execute-api.${REGION}.amazonaws.com`;
  if (type === 'AWS::SQS::Queue')
    return attribute === 'Arn' ? arn('sqs', id) : `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${id}`;
  if (type === 'AWS::SecretsManager::Secret') return arn('secretsmanager', `secret:${id}-AbCdEf`);
  if (type.startsWith('AWS::DynamoDB::'))
    return attribute === 'Arn' ? arn('dynamodb', `table/${id}`) : `Test-${id}`;
  if (type === 'AWS::S3::Bucket')
    return attribute === 'Arn' ? `arn:aws:s3:::${id.toLowerCase()}` : id.toLowerCase();
  if (type === 'AWS::Lambda::Function') return attribute === 'Arn' ? arn('lambda', `function:${id}`) : id;
  if (attribute) throw new Error(`no plausible value for ${id}.${attribute} (${type}): teach the test`);
  return id;
}

let functions: Started[] = [];
let fake: Awaited<ReturnType<typeof startFakeStackApis>>;

beforeAll(async () => {
  const { stack, state } = buildHerald(
    testApp(),
    'Test',
    readHeraldConfig({ fromAddress: 'Press <news@example.org>', sesIdentity: 'example.org' }),
    { account: ACCOUNT, region: REGION },
  );
  const model = new StackModel(
    new Map([
      [stack.stackName, Template.fromStack(stack).toJSON() as CfnTemplate],
      [state.stackName, Template.fromStack(state).toJSON() as CfnTemplate],
    ]),
    { region: REGION, account: ACCOUNT },
  );
  const secrets: Record<string, string> = {};
  for (const resource of Object.values(model.resources(stack.stackName))) {
    const handler = resource.Metadata?.[HANDLER_METADATA];
    if (resource.Type !== 'AWS::Lambda::Function' || typeof handler !== 'string') continue;
    const variables =
      (resource.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables ?? {};
    const environment = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [
        name,
        model
          .resolve(value, stack.stackName, true)
          .replace(/<(\w+)(?:\.(\w+))?>/g, (_, id: string, attribute?: string) =>
            plausible(model, id, attribute),
          ),
      ]),
    );
    if (environment.HERALD_TOKEN_KEYS_SECRET_ARN)
      secrets[environment.HERALD_TOKEN_KEYS_SECRET_ARN] = TOKEN_KEYS;
    if (environment.HERALD_ADDRESS_KEY_SECRET_ARN)
      secrets[environment.HERALD_ADDRESS_KEY_SECRET_ARN] = ADDRESS_KEY;
    functions.push({ handler, environment });
  }
  functions = functions.sort((a, b) => a.handler.localeCompare(b.handler));
  fake = await startFakeStackApis([], secrets);
}, 120_000);

afterAll(() => fake?.close());

/** Starts a handler module as Lambda would, with only the given environment; resolves with what it said. */
function coldStart(handler: string, environment: Record<string, string>) {
  // As the function `handler`: what its start reads (secrets, the SES account) is recorded for the IAM proof.
  const script = [
    "const { asFunction } = await import('#adapters/call-record.ts');",
    `await asFunction(${JSON.stringify(handler)}, () => import(${JSON.stringify(`#handlers/${handler}.ts`)}));`,
    "console.log('started');",
  ].join(' ');
  const { NODE_OPTIONS: _runtimeFlags, ...variables } = environment;
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          ...variables,
          // What the Lambda runtime provides, and where the bundle's copied files are in this checkout.
          AWS_REGION: REGION,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.url,
          AWS_ENDPOINT_URL_SESV2: fake.url,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          POWERTOOLS_LOG_LEVEL: 'ERROR',
          ...(process.env.HERALD_RECORD_AWS_CALLS
            ? { HERALD_RECORD_AWS_CALLS: process.env.HERALD_RECORD_AWS_CALLS }
            : {}),
          ...(variables.HERALD_TEMPLATES_DIR ? { HERALD_TEMPLATES_DIR: `${ROOT}templates` } : {}),
          ...(variables.HERALD_ASSETS_DIR
            ? { HERALD_ASSETS_DIR: `${ROOT}node_modules/altcha/dist/main` }
            : {}),
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("each function's synthesized environment starts its handler", () => {
  it('synthesizes every handler that runs on AWS', () => {
    expect(functions.map((f) => f.handler)).toEqual(
      expect.arrayContaining([
        'ingest',
        'sender',
        'scheduled-digest',
        'public-mail',
        'ses-events',
        'subscribe',
      ]),
    );
    expect(functions.length).toBeGreaterThanOrEqual(17);
  });

  it('starts each handler with exactly its template variables (schema passed, keys read)', async () => {
    const failures: string[] = [];
    // Two at a time: each start loads a handler's whole module graph.
    const queue = [...functions];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const result = await coldStart(next.handler, next.environment);
        if (result.code !== 0 || !result.stdout.includes('started'))
          failures.push(
            `${next.handler}: ${(
              result.stderr
                .trim()
                .split('\n')
                .find((l) => /Error|invalid/.test(l)) ?? result.stderr
            ).slice(0, 400)}`,
          );
      }
    };
    await Promise.all([worker(), worker()]);
    expect(failures).toEqual([]);
  }, 240_000);

  it('refuses a start without a variable the handler needs, naming it', async () => {
    const ingest = functions.find((f) => f.handler === 'ingest');
    if (!ingest) throw new Error('no ingest function');
    const { HERALD_SEND_QUEUE_URL: _dropped, ...rest } = ingest.environment;
    const result = await coldStart('ingest', rest);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/HERALD_SEND_QUEUE_URL/);
  }, 60_000);
});
