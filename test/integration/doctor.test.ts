import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STACK_OUTPUTS, type StackSetting } from '#config/stack-outputs.ts';
import type { SesAccount } from '#local/ses-account.ts';
import { heraldWith } from '../support/cli.ts';
import { startFakeStackApis } from '../support/fake-stack-apis.ts';
import { tempHome, useLocalStack } from '../support/local-stack.ts';

// `herald doctor` as an operator runs it: the real CLI in its own process, its SDK clients talking
// HTTP to the running local stack (whose strict SES front answers as SES does for the local account),
// and with HERALD_STACK=aws to a fake CloudFormation and Secrets Manager beside that SES.

const local = useLocalStack();
const TOKEN_SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:TokenKeys-a1';
const ADDRESS_SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:AddressKey-b2';
const BROKEN_SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:TokenKeys-broken';

let fake: Awaited<ReturnType<typeof startFakeStackApis>>;
let empty: Awaited<ReturnType<typeof tempHome>>;
let silent: { url: string; close(): Promise<void> };

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

/** A server that takes connections and never answers: SES as the emulator is for some operations. */
async function startSilentServer() {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  const config = local.stack.config;
  const press = {
    HERALD_TABLE: config.table,
    HERALD_BUCKET: config.bucket,
    HERALD_DOCUMENTS_PREFIX: 'documents/',
    HERALD_TOKEN_KEYS_SECRET_ARN: TOKEN_SECRET,
    HERALD_ADDRESS_KEY_SECRET_ARN: ADDRESS_SECRET,
    HERALD_SEND_QUEUE_URL: config.queues.send,
    HERALD_PUBLIC_BASE_URL: config.publicBaseUrl,
    // The local SES account verifies the domain of the local stack's From.
    HERALD_FROM_ADDRESS: 'Press Office <news@herald.example.org>',
    HERALD_PUBLISHER_NAME: 'Press Office',
    HERALD_SES_CONFIGURATION_SET: 'herald-local',
    HERALD_SCHEDULED_DIGEST_FUNCTION: 'Press-ScheduledDigests',
  };
  fake = await startFakeStackApis(
    [
      ...deployment('Press', press),
      ...deployment('Broken', { ...press, HERALD_TOKEN_KEYS_SECRET_ARN: BROKEN_SECRET }),
    ],
    {
      [TOKEN_SECRET]: process.env.HERALD_TOKEN_KEYS!,
      [ADDRESS_SECRET]: process.env.HERALD_ADDRESS_KEY!,
      [BROKEN_SECRET]: 'not json at all',
    },
  );
  empty = await tempHome();
  silent = await startSilentServer();
});
afterAll(async () => {
  await fake?.close();
  await empty?.remove();
  await silent?.close();
});

let original: SesAccount | undefined;
const changeAccount = (changes: Partial<SesAccount>) => {
  original ??= local.stack.sesFront.account();
  local.stack.sesFront.update(changes);
};
afterEach(() => {
  if (original) local.stack.sesFront.update(original);
  original = undefined;
});

/** `herald doctor` on the local stack; the senders name the local account's configuration set. */
async function doctorLocally(...args: string[]) {
  const result = await heraldWith(
    { ...process.env, HERALD_HOME: local.home, HERALD_SES_CONFIGURATION_SET: 'herald-local' },
    'doctor',
    ...args,
  );
  return { ...result, line: lineIn(result.stdout) };
}

const lineIn = (output: string) => (title: string) =>
  output.split('\n').find((l) => l.slice(6).startsWith(`${title}: `)) ?? '';

/** `herald doctor` with HERALD_STACK=aws and nothing else of Herald's, as in cli-aws.test.ts. */
async function doctorOnAws(stackName: string, ses = local.stack.config.endpoints.sesv2, ...args: string[]) {
  const config = local.stack.config;
  const result = await heraldWith(
    {
      PATH: process.env.PATH,
      HOME: empty.home,
      HERALD_HOME: empty.home,
      HERALD_STACK: 'aws',
      HERALD_STACK_NAME: stackName,
      AWS_REGION: config.region,
      AWS_ACCESS_KEY_ID: config.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: config.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_SESV2: ses,
      AWS_ENDPOINT_URL_CLOUDFORMATION: fake.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.url,
    },
    'doctor',
    ...args,
  );
  return { ...result, line: lineIn(result.stdout) };
}

describe('herald doctor on the running local stack', () => {
  it('finds everything in order, and exits 0', async () => {
    const { code, stdout, stderr, line } = await doctorLocally();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(line('SES account')).toBe(
      'ok    SES account: production access in us-east-1, sending enabled, enforcement HEALTHY',
    );
    expect(line('From identity')).toBe(
      'ok    From identity: digest@herald.example.org may send: herald.example.org is verified in us-east-1',
    );
    expect(line('DKIM')).toMatch(/^ok/);
    expect(line('MAIL FROM')).toBe('ok    MAIL FROM: mail.herald.example.org (SUCCESS)');
    expect(line('Configuration set')).toBe('ok    Configuration set: herald-local exists in us-east-1');
    expect(line('Bounce and complaint events')).toMatch(/^ok/);
    expect(line('Sending rate')).toMatch(/^ok {4}Sending rate: the senders pace at \d+ mails a second/);
    expect(line('Token keys secret')).toMatch(
      /^ok {4}Token keys secret: the local stack's token-keys\.json: readable and well formed \(current key k1/,
    );
    expect(line('Address key secret')).toMatch(/^ok/);
    expect(line('Stack outputs')).toMatch(/^ok {4}Stack outputs: the local stack of .* is running/);
    expect(stdout).toContain('Herald can send.');
    // The keys stay in HERALD_HOME.
    expect(stdout).not.toContain(JSON.parse(process.env.HERALD_TOKEN_KEYS!).k1);
    expect(stdout).not.toContain(process.env.HERALD_ADDRESS_KEY!);
  });

  it('fails in the sandbox, and on a From no identity lets send, saying what to change', async () => {
    changeAccount({ sandbox: true, verifiedIdentities: ['someone-else.example'] });
    const { code, stdout, line } = await doctorLocally();
    expect(code).toBe(1);
    expect(line('SES account')).toMatch(
      /^FAIL {2}SES account: the account is in the SES sandbox in us-east-1/,
    );
    expect(line('SES account')).toContain('HERALD_SES_SANDBOX=true');
    expect(line('From identity')).toMatch(
      /^FAIL {2}From identity: digest@herald\.example\.org may not send: neither it nor herald\.example\.org is an SES identity/,
    );
    expect(line('From identity')).toContain('HERALD_SES_VERIFIED_IDENTITIES');
    expect(stdout).toContain('Herald cannot send: 2 blocking problems');
  });

  it('fails when the configuration set the senders name is gone', async () => {
    changeAccount({ configurationSets: [] });
    const { code, line } = await doctorLocally();
    expect(code).toBe(1);
    expect(line('Configuration set')).toMatch(
      /^FAIL {2}Configuration set: herald-local does not exist in us-east-1/,
    );
  });

  it('is listed in herald --help', async () => {
    const help = await heraldWith(process.env, '--help');
    expect(help.stdout).toMatch(/doctor \[options\] +whether the deployment can send/);
  });

  it('prints the same checks as JSON with --json', async () => {
    const { code, stdout } = await doctorLocally('--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      stack: string;
      sendable: boolean;
      checks: { id: string; status: string }[];
    };
    expect(report).toMatchObject({ stack: 'local', sendable: true });
    expect(report.checks.find((check) => check.id === 'identity')).toMatchObject({ status: 'ok' });
    expect(report.checks).toHaveLength(12);
  });
});

describe('herald doctor with HERALD_STACK=aws', () => {
  it("reads the deployment through its stacks' outputs and its secrets through Secrets Manager", async () => {
    const { code, stdout, stderr, line } = await doctorOnAws('Press');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('herald doctor: the deployment Press in us-east-1');
    expect(line('From identity')).toBe(
      'ok    From identity: news@herald.example.org may send: herald.example.org is verified in us-east-1',
    );
    expect(line('Token keys secret')).toMatch(
      /^ok {4}Token keys secret: .*TokenKeys-a1: readable and well formed/,
    );
    expect(line('Stack outputs')).toBe(
      'ok    Stack outputs: PressState and Press output every setting herald reads',
    );
    expect(fake.calls).toEqual(
      expect.arrayContaining([
        'DescribeStacks PressState',
        'DescribeStacks Press',
        `GetSecretValue ${TOKEN_SECRET}`,
      ]),
    );
  });

  it('fails on a malformed secret without printing it', async () => {
    const { code, stdout, line } = await doctorOnAws('Broken');
    expect(code).toBe(1);
    expect(line('Token keys secret')).toMatch(/^FAIL {2}Token keys secret: .*token keys are not JSON/);
    expect(stdout).not.toContain('not json at all');
  });

  it('fails when there is no such deployment', async () => {
    const { code, line } = await doctorOnAws('Nowhere');
    expect(code).toBe(1);
    expect(line('Stack outputs')).toMatch(
      /^FAIL {2}Stack outputs: there is no stack NowhereState in us-east-1/,
    );
  });

  it('says which checks SES left unanswered instead of hanging', async () => {
    const { code, stdout, line } = await doctorOnAws('Press', silent.url);
    expect(code).toBe(0);
    expect(line('SES account')).toBe(
      'warn  SES account: not checked: no answer to ses:GetAccount within 5 s → try again; if it persists, check the region and network (ses:GetAccount)',
    );
    for (const title of ['From identity', 'Configuration set'])
      expect(line(title), title).toMatch(/^warn {2}.*: not checked: no answer to ses:/);
    expect(stdout).toMatch(/Herald can send as far as was checked \(\d+ checks not made, \d+ warnings\)\./);
  });
});
