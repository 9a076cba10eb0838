import { fileURLToPath } from 'node:url';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_OUTPUTS, type StackSetting } from '#config/stack-outputs.ts';
import manifest from '../../package.json' with { type: 'json' };
import { heraldWith } from '../support/cli.ts';
import { startFakeStackApis } from '../support/fake-stack-apis.ts';
import { stackIdFor, tempHome, useLocalStack } from '../support/local-stack.ts';

const fixture = fileURLToPath(new URL('../fixtures/pages/fr-senegal.txt', import.meta.url));
const local = useLocalStack();
const TOKEN_SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:TokenKeys-a1';
const ADDRESS_SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:AddressKey-b2';

let fake: Awaited<ReturnType<typeof startFakeStackApis>>;
let empty: Awaited<ReturnType<typeof tempHome>>;

/** The outputs a deployment named `name` has, under the names the shared contract gives them. */
function deployment(name: string, values: Partial<Record<StackSetting, string>>) {
  const outputs = { state: {} as Record<string, string>, app: {} as Record<string, string> };
  for (const [setting, value] of Object.entries(values)) {
    const { stack, output } = STACK_OUTPUTS[setting as StackSetting];
    outputs[stack][output] = value;
  }
  return [
    { name: `${name}State`, outputs: outputs.state },
    { name, outputs: outputs.app },
  ];
}

beforeAll(async () => {
  const config = local.stack.config;
  fake = await startFakeStackApis(
    [
      ...deployment('Press', {
        HERALD_TABLE: config.table,
        HERALD_BUCKET: config.bucket,
        HERALD_DOCUMENTS_PREFIX: 'documents/',
        HERALD_TOKEN_KEYS_SECRET_ARN: TOKEN_SECRET,
        HERALD_ADDRESS_KEY_SECRET_ARN: ADDRESS_SECRET,
        HERALD_SEND_QUEUE_URL: config.queues.send,
        HERALD_PUBLIC_BASE_URL: config.publicBaseUrl,
        HERALD_FROM_ADDRESS: 'Press Office <news@example.org>',
        HERALD_PUBLISHER_NAME: 'Press Office',
        HERALD_SES_CONFIGURATION_SET: 'herald',
        HERALD_SCHEDULED_DIGEST_FUNCTION: 'Press-ScheduledDigests',
      }),
      // A deployment of a version whose stacks output only the table and the bucket.
      ...deployment('Bare', { HERALD_TABLE: config.table, HERALD_BUCKET: config.bucket }),
    ],
    { [TOKEN_SECRET]: process.env.HERALD_TOKEN_KEYS!, [ADDRESS_SECRET]: process.env.HERALD_ADDRESS_KEY! },
  );
  empty = await tempHome();
});
afterAll(async () => {
  await fake?.close();
  await empty?.remove();
});

/**
 * `herald` as an operator runs it against AWS: HERALD_STACK=aws, credentials and a region, and nothing
 * else of Herald's — no HERALD_HOME with a running stack, no HERALD_TABLE. The AWS endpoints are the
 * emulators' (and the fake CloudFormation and Secrets Manager's).
 */
function onAws(stackName: string, ...args: string[]) {
  const config = local.stack.config;
  return heraldWith(
    {
      PATH: process.env.PATH,
      HOME: empty.home,
      HERALD_HOME: empty.home,
      HERALD_STACK: 'aws',
      HERALD_STACK_NAME: stackName,
      HERALD_DAILY_QUOTA: '1000',
      AWS_REGION: config.region,
      AWS_ACCESS_KEY_ID: config.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: config.credentials.secretAccessKey,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      AWS_ENDPOINT_URL_S3: config.endpoints.s3,
      AWS_ENDPOINT_URL_SQS: config.endpoints.sqs,
      AWS_ENDPOINT_URL_SESV2: config.endpoints.sesv2,
      AWS_ENDPOINT_URL_DYNAMODB: config.endpoints.dynamodb,
      AWS_ENDPOINT_URL_CLOUDFORMATION: fake.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.url,
    },
    ...args,
  );
}

describe('the herald CLI with HERALD_STACK=aws', () => {
  it("finds the deployment through its stacks' outputs, and the address key in its secret", async () => {
    const added = await onAws(
      'Press',
      'subscribers',
      'add',
      'Lectrice@Example.fr',
      '--lang',
      'fr',
      '--confirmed',
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    // The same id the deployed functions give this reader: the key came from the secret the output names.
    expect(added.stdout).toContain(`added ${stackIdFor('lectrice@example.fr')} (fr, immediate, confirmed)`);
    expect(fake.calls).toEqual(
      expect.arrayContaining([
        'DescribeStacks PressState',
        'DescribeStacks Press',
        `GetSecretValue ${ADDRESS_SECRET}`,
      ]),
    );
    const listed = await onAws('Press', 'subscribers', 'list', '--lang', 'fr');
    expect(listed.stdout).toContain(stackIdFor('lectrice@example.fr'));
  });

  it('publishes into the deployed bucket, and reads its quarantine, sending switch and digests', async () => {
    const published = await onAws('Press', 'publish', fixture, '--key', 'aws-cli/fr-senegal.txt');
    expect(published.stdout).toContain(`s3://${local.stack.config.bucket}/documents/aws-cli/fr-senegal.txt`);
    const object = await new S3Client({ forcePathStyle: true }).send(
      new GetObjectCommand({ Bucket: local.stack.config.bucket, Key: 'documents/aws-cli/fr-senegal.txt' }),
    );
    expect(await object.Body?.transformToString()).toContain('Sénégal');
    expect((await onAws('Press', 'quarantine', 'list')).code).toBe(0);
    expect((await onAws('Press', 'sending', 'status')).stdout).toMatch(/^sending is (on|off)/);
    expect((await onAws('Press', 'status')).stdout).toMatch(/daily quota \d+ of 1000 used/);
  });

  it('names the setting and the output a command needs when the stacks do not output it', async () => {
    const run = await onAws('Bare', 'digest', 'run', '--cadence', 'daily');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HERALD_SCHEDULED_DIGEST_FUNCTION');
    expect(run.stderr).toContain('ScheduledDigestFunction');
  });

  it('says when there is no such deployment, and how to name another', async () => {
    const missing = await onAws('Nowhere', 'subscribers', 'list');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`there is no stack NowhereState in ${local.stack.config.region}`);
    expect(missing.stderr).toContain('HERALD_STACK_NAME');
  });

  it('refuses to invent SES events on AWS, where SES publishes its own', async () => {
    const event = await onAws('Press', 'ses-event', 'bounce', 'someone@example.org');
    expect(event.code).toBe(1);
    expect(event.stderr).toContain('bounce@simulator.amazonses.com');
  });
});

describe('the herald CLI itself', () => {
  it('prints its version, and explains HERALD_STACK in --help', async () => {
    const shown = await heraldWith(process.env, '--version');
    expect(shown.stdout.trim()).toBe(manifest.version);
    const help = await heraldWith(process.env, '--help');
    expect(help.stdout).toContain('HERALD_STACK=aws');
    expect((await heraldWith(process.env, 'subscribers', 'list', '--help')).stdout).toContain(
      'HERALD_STACK=aws',
    );
  });

  it('refuses a HERALD_STACK it does not know, and numbers that are not numbers', async () => {
    const stack = await heraldWith({ ...process.env, HERALD_STACK: 'amazon' }, 'status');
    expect(stack.code).toBe(1);
    expect(stack.stderr).toContain('HERALD_STACK is "amazon"');
    for (const [args, shown] of [
      [['subscribers', 'import', 'people.csv', '--rate', 'fast'], 'fast'],
      [['subscribers', 'import', 'people.csv', '--rate', '0'], '0'],
      [['status', '--limit', '2.5'], '2.5'],
    ] as const) {
      const result = await heraldWith({ ...process.env, HERALD_HOME: local.home }, ...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain(`argument '${shown}' is invalid`);
    }
  });
});
