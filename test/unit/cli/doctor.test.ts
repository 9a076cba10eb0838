import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  GetAccountCommand,
  type GetAccountCommandOutput,
  GetConfigurationSetCommand,
  GetConfigurationSetEventDestinationsCommand,
  GetEmailIdentityCommand,
  type GetEmailIdentityCommandOutput,
  NotFoundException,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDoctor } from '#cli/doctor.ts';

// Every AWS answer below is shaped as the service gives it; the deployment is "Press" in eu-west-1.
const cloudFormation = mockClient(CloudFormationClient);
const ses = mockClient(SESv2Client);
const secretsManager = mockClient(SecretsManagerClient);

const TOKEN_SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:TokenKeys-a1';
const ADDRESS_SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:AddressKey-b2';
const TOKEN_KEYS = JSON.stringify({ current: 'k2', k2: 'x'.repeat(40), k1: 'y'.repeat(40) });
const ADDRESS_KEY = 'z'.repeat(44);

const stateOutputs: Record<string, string> = {
  Table: 'PressState-Table-1',
  Bucket: 'pressstate-bucket-1',
  DocumentsPrefix: 'documents/',
  TokenKeysSecret: TOKEN_SECRET,
  AddressKeySecret: ADDRESS_SECRET,
};
const appOutputs: Record<string, string> = {
  SendQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/Press-Send',
  PublicBaseUrl: 'https://news.example.org/',
  FromAddress: 'Press Office <news@example.org>',
  PublisherName: 'Press Office',
  ConfigurationSet: 'herald',
  ScheduledDigestFunction: 'Press-ScheduledDigests',
};

function stacks(state = stateOutputs, app = appOutputs) {
  cloudFormation.on(DescribeStacksCommand, { StackName: 'PressState' }).resolves({
    Stacks: [
      {
        StackName: 'PressState',
        CreationTime: new Date('2026-01-01'),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.entries(state).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
  cloudFormation.on(DescribeStacksCommand, { StackName: 'Press' }).resolves({
    Stacks: [
      {
        StackName: 'Press',
        CreationTime: new Date('2026-01-01'),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.entries(app).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
}

const healthyAccount: Partial<GetAccountCommandOutput> = {
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  EnforcementStatus: 'HEALTHY',
  SendQuota: { MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 120 },
};

const verifiedDomain: Partial<GetEmailIdentityCommandOutput> = {
  IdentityType: 'DOMAIN',
  VerifiedForSendingStatus: true,
  VerificationStatus: 'SUCCESS',
  DkimAttributes: { SigningEnabled: true, Status: 'SUCCESS', Tokens: ['tok1', 'tok2', 'tok3'] },
  MailFromAttributes: {
    MailFromDomain: 'mail.example.org',
    MailFromDomainStatus: 'SUCCESS',
    BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
  },
};

const notFound = (message: string) => new NotFoundException({ message, $metadata: { httpStatusCode: 404 } });

function identities(answers: Record<string, Partial<GetEmailIdentityCommandOutput>>) {
  ses.on(GetEmailIdentityCommand).rejects(notFound('Email identity does not exist.'));
  for (const [name, answer] of Object.entries(answers))
    ses.on(GetEmailIdentityCommand, { EmailIdentity: name }).resolves(answer);
}

const toEventBridge = {
  Name: 'ToEventBridge',
  Enabled: true,
  MatchingEventTypes: ['BOUNCE' as const, 'COMPLAINT' as const],
  EventBridgeDestination: { EventBusArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/default' },
};

beforeEach(() => {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  cloudFormation.reset();
  ses.reset();
  secretsManager.reset();
  stacks();
  ses.on(GetAccountCommand).resolves(healthyAccount);
  identities({ 'example.org': verifiedDomain });
  ses.on(GetConfigurationSetCommand, { ConfigurationSetName: 'herald' }).resolves({
    ConfigurationSetName: 'herald',
  });
  ses
    .on(GetConfigurationSetEventDestinationsCommand, { ConfigurationSetName: 'herald' })
    .resolves({ EventDestinations: [toEventBridge] });
  secretsManager.on(GetSecretValueCommand, { SecretId: TOKEN_SECRET }).resolves({ SecretString: TOKEN_KEYS });
  secretsManager
    .on(GetSecretValueCommand, { SecretId: ADDRESS_SECRET })
    .resolves({ SecretString: ADDRESS_KEY });
});
afterAll(() => {
  vi.unstubAllEnvs();
  cloudFormation.restore();
  ses.restore();
  secretsManager.restore();
});

/** `herald doctor` on the deployment "Press", as an operator runs it with HERALD_STACK=aws. */
async function doctor(variables: Record<string, string> = {}, options: { json?: boolean } = {}) {
  const result = await runDoctor(options, { HERALD_STACK: 'aws', HERALD_STACK_NAME: 'Press', ...variables });
  const lines = result.output.split('\n');
  const line = (title: string) => lines.find((l) => l.slice(6).startsWith(`${title}: `)) ?? '';
  return { ...result, lines, line };
}

describe('herald doctor on a deployment that can send', () => {
  it('prints ok for every check, exits 0, and never prints a secret', async () => {
    const { output, exitCode, line } = await doctor();
    expect(exitCode).toBe(0);
    expect(output).toContain('herald doctor: the deployment Press in eu-west-1');
    expect(line('SES account')).toBe(
      'ok    SES account: production access in eu-west-1, sending enabled, enforcement HEALTHY',
    );
    expect(line('From identity')).toBe(
      'ok    From identity: news@example.org may send: example.org is verified in eu-west-1',
    );
    expect(line('DKIM')).toBe('ok    DKIM: mail is signed for example.org (DKIM SUCCESS)');
    expect(line('MAIL FROM')).toBe('ok    MAIL FROM: mail.example.org (SUCCESS)');
    expect(line('Configuration set')).toBe('ok    Configuration set: herald exists in eu-west-1');
    expect(line('Bounce and complaint events')).toMatch(/^ok {4}.*EventBridge \(ToEventBridge\)$/);
    expect(line('Sending rate')).toMatch(/^ok {4}Sending rate: .*MaxSendRate, 14 mails a second/);
    expect(line('Daily quota')).toBe(
      "ok    Daily quota: Herald may send 47500 a day (95 % of the account's Max24HourSend of 50000); 120 sent in the last 24 hours",
    );
    expect(line('Token keys secret')).toBe(
      `ok    Token keys secret: ${TOKEN_SECRET}: readable and well formed (current key k2, 2 keys)`,
    );
    expect(line('Address key secret')).toMatch(/^ok {4}Address key secret: .*readable and well formed/);
    expect(line('Stack outputs')).toBe(
      'ok    Stack outputs: PressState and Press output every setting herald reads',
    );
    expect(line('DNS records')).toMatch(/^ok {4}DNS records: nothing left to publish/);
    expect(output).toContain('Herald can send.');
    for (const secret of ['x'.repeat(32), 'y'.repeat(32), ADDRESS_KEY]) expect(output).not.toContain(secret);
  });
});

describe('herald doctor on what stops or hurts sending', () => {
  it('fails on the SES sandbox and says where to request production access', async () => {
    ses.on(GetAccountCommand).resolves({ ...healthyAccount, ProductionAccessEnabled: false });
    const { line, exitCode, output } = await doctor();
    expect(line('SES account')).toMatch(
      /^FAIL {2}SES account: the account is in the SES sandbox in eu-west-1: only verified addresses receive mail/,
    );
    expect(line('SES account')).toContain('SES console → Account dashboard → Request production access');
    expect(exitCode).toBe(1);
    expect(output).toContain('Herald cannot send: 1 blocking problem (FAIL above)');
  });

  it('fails when SES has disabled sending for the account', async () => {
    ses.on(GetAccountCommand).resolves({ ...healthyAccount, SendingEnabled: false });
    const { line, exitCode } = await doctor();
    expect(line('SES account')).toContain(
      'FAIL  SES account: sending is disabled for the account in eu-west-1',
    );
    expect(line('SES account')).toContain('aws sesv2 put-account-sending-attributes --sending-enabled');
    expect(exitCode).toBe(1);
  });

  it('fails when neither the From address nor its domain is an identity, with the command to create it', async () => {
    identities({});
    const { line, exitCode } = await doctor();
    expect(line('From identity')).toMatch(
      /^FAIL {2}From identity: news@example\.org may not send: neither it nor example\.org is an SES identity in eu-west-1/,
    );
    expect(line('From identity')).toContain('aws sesv2 create-email-identity --email-identity example.org');
    expect(exitCode).toBe(1);
  });

  it('accepts a verified parent domain for a From on a subdomain', async () => {
    const { line, exitCode } = await doctor({ HERALD_FROM_ADDRESS: 'Press <news@mail.example.org>' });
    expect(line('From identity')).toBe(
      'ok    From identity: news@mail.example.org may send: example.org is verified in eu-west-1',
    );
    expect(exitCode).toBe(0);
  });

  it('fails while the domain awaits DKIM, and lists the three CNAMEs to publish', async () => {
    identities({
      'example.org': {
        ...verifiedDomain,
        VerifiedForSendingStatus: false,
        VerificationStatus: 'PENDING',
        DkimAttributes: { SigningEnabled: true, Status: 'PENDING', Tokens: ['abc1', 'def2', 'ghi3'] },
      },
    });
    const { line, lines, exitCode } = await doctor();
    expect(line('From identity')).toMatch(
      /^FAIL {2}From identity: news@example\.org may not send: example\.org is an identity in eu-west-1 but not verified \(PENDING\)/,
    );
    expect(line('DKIM')).toMatch(/^warn {2}DKIM: DKIM for example\.org is PENDING/);
    expect(line('DNS records')).toMatch(/^warn {2}DNS records: 3 records still to publish/);
    expect(lines).toEqual(
      expect.arrayContaining([
        '      abc1._domainkey.example.org CNAME abc1.dkim.amazonses.com',
        '      def2._domainkey.example.org CNAME def2.dkim.amazonses.com',
        '      ghi3._domainkey.example.org CNAME ghi3.dkim.amazonses.com',
      ]),
    );
    expect(exitCode).toBe(1);
  });

  it('warns, but can send, when the address is verified and its domain’s DKIM is still pending', async () => {
    identities({
      'news@example.org': {
        IdentityType: 'EMAIL_ADDRESS',
        VerifiedForSendingStatus: true,
        VerificationStatus: 'SUCCESS',
      },
      'example.org': {
        IdentityType: 'DOMAIN',
        VerifiedForSendingStatus: false,
        VerificationStatus: 'PENDING',
        DkimAttributes: { Status: 'PENDING', Tokens: ['abc1'] },
      },
    });
    const { line, lines, exitCode } = await doctor();
    expect(line('From identity')).toMatch(
      /^ok {4}From identity: news@example\.org may send: the address itself/,
    );
    expect(line('DKIM')).toMatch(/^warn/);
    expect(lines).toContain('      abc1._domainkey.example.org CNAME abc1.dkim.amazonses.com');
    expect(exitCode).toBe(0);
  });

  it('warns while MAIL FROM is pending, with its MX and TXT records', async () => {
    identities({
      'example.org': {
        ...verifiedDomain,
        MailFromAttributes: {
          MailFromDomain: 'mail.example.org',
          MailFromDomainStatus: 'PENDING',
          BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
        },
      },
    });
    const { line, lines, exitCode } = await doctor();
    expect(line('MAIL FROM')).toMatch(
      /^warn {2}MAIL FROM: mail\.example\.org is PENDING: until SES finds its MX record, mail goes out with an amazonses\.com MAIL FROM/,
    );
    expect(lines).toContain('      mail.example.org MX 10 feedback-smtp.eu-west-1.amazonses.com');
    expect(lines).toContain('      mail.example.org TXT "v=spf1 include:amazonses.com ~all"');
    expect(exitCode).toBe(0);
  });

  it('fails when MAIL FROM failed and SES is told to reject mail then', async () => {
    identities({
      'example.org': {
        ...verifiedDomain,
        MailFromAttributes: {
          MailFromDomain: 'mail.example.org',
          MailFromDomainStatus: 'FAILED',
          BehaviorOnMxFailure: 'REJECT_MESSAGE',
        },
      },
    });
    const { line, exitCode } = await doctor();
    expect(line('MAIL FROM')).toContain('FAIL  MAIL FROM: mail.example.org FAILED');
    expect(exitCode).toBe(1);
  });

  it('fails when the configuration set the senders name does not exist', async () => {
    ses.on(GetConfigurationSetCommand).rejects(notFound('Configuration set <herald> does not exist.'));
    ses
      .on(GetConfigurationSetEventDestinationsCommand)
      .rejects(notFound('Configuration set <herald> does not exist.'));
    const { line, exitCode } = await doctor();
    expect(line('Configuration set')).toMatch(
      /^FAIL {2}Configuration set: herald does not exist in eu-west-1: SES refuses every mail that names it/,
    );
    expect(line('Bounce and complaint events')).toMatch(/^warn {2}.*not checked: herald does not exist/);
    expect(exitCode).toBe(1);
  });

  it('warns when the configuration set has no destination for bounces and complaints', async () => {
    ses.on(GetConfigurationSetEventDestinationsCommand).resolves({ EventDestinations: [] });
    const { line, exitCode } = await doctor();
    expect(line('Bounce and complaint events')).toMatch(
      /^warn {2}Bounce and complaint events: herald has no event destination: bounced and complaining addresses are never suppressed/,
    );
    expect(line('Bounce and complaint events')).toContain(
      'SES console → Configuration sets → herald → Event destinations',
    );
    expect(exitCode).toBe(0);
  });

  it('names the event type missing and the destination that is disabled', async () => {
    ses.on(GetConfigurationSetEventDestinationsCommand).resolves({
      EventDestinations: [
        { ...toEventBridge, MatchingEventTypes: ['BOUNCE'] },
        { ...toEventBridge, Name: 'Complaints', Enabled: false, MatchingEventTypes: ['COMPLAINT'] },
      ],
    });
    const { line } = await doctor();
    expect(line('Bounce and complaint events')).toContain(
      'herald sends no COMPLAINT event to EventBridge (Complaints is disabled)',
    );
  });

  it('warns when the configured rate and daily quota are above the account’s', async () => {
    const { line, exitCode } = await doctor({ HERALD_MAX_SEND_RATE: '50', HERALD_DAILY_QUOTA: '100000' });
    expect(line('Sending rate')).toMatch(
      /^warn {2}Sending rate: the senders pace at 50 mails a second \(HERALD_MAX_SEND_RATE\), above the account's MaxSendRate of 14: SES throttles the excess/,
    );
    expect(line('Sending rate')).toContain('to 14 or less');
    expect(line('Daily quota')).toMatch(
      /^warn {2}Daily quota: Herald may send 100000 a day \(HERALD_DAILY_QUOTA\), above the account's Max24HourSend of 50000/,
    );
    expect(exitCode).toBe(0);
  });

  it('fails when the day’s quota is used up, and on a rate that is not a number', async () => {
    ses.on(GetAccountCommand).resolves({
      ...healthyAccount,
      SendQuota: { MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 50_000 },
    });
    const { line, exitCode } = await doctor({ HERALD_MAX_SEND_RATE: 'fast' });
    expect(line('Daily quota')).toMatch(
      /^FAIL {2}Daily quota: the account's Max24HourSend of 50000 is used up/,
    );
    expect(line('Sending rate')).toMatch(
      /^FAIL {2}Sending rate: HERALD_MAX_SEND_RATE is "fast", not a positive number/,
    );
    expect(exitCode).toBe(1);
  });

  it('fails when the token keys secret does not exist', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: TOKEN_SECRET }).rejects(
      new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret.",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { line, exitCode } = await doctor();
    expect(line('Token keys secret')).toMatch(
      /^FAIL {2}Token keys secret: arn:aws:secretsmanager:eu-west-1:111122223333:secret:TokenKeys-a1 does not exist/,
    );
    expect(line('Token keys secret')).toContain('npm run deploy');
    expect(exitCode).toBe(1);
  });

  it('fails on malformed secrets, says how to put a good one, and never prints what they hold', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: TOKEN_SECRET })
      .resolves({ SecretString: '{"current":"k1","k1":"short-secret"}' });
    secretsManager
      .on(GetSecretValueCommand, { SecretId: ADDRESS_SECRET })
      .resolves({ SecretString: 'tiny-key' });
    const { line, output, exitCode } = await doctor();
    expect(line('Token keys secret')).toMatch(
      /^FAIL {2}Token keys secret: .*each token key must be at least 32 characters/,
    );
    expect(line('Token keys secret')).toContain(
      `aws secretsmanager put-secret-value --secret-id ${TOKEN_SECRET} --secret-string '{"current":"k1","k1":"<32 or more random characters>"}'`,
    );
    expect(line('Address key secret')).toMatch(
      /^FAIL {2}Address key secret: .*the address key must be at least 32 characters/,
    );
    expect(output).not.toContain('short-secret');
    expect(output).not.toContain('tiny-key');
    expect(exitCode).toBe(1);
  });

  it('warns about an output a deployment of an older version lacks, naming the variable that stands in', async () => {
    const { ConfigurationSet: _, ...withoutSet } = appOutputs;
    stacks(stateOutputs, withoutSet);
    const { line, exitCode } = await doctor();
    expect(line('Stack outputs')).toBe(
      'warn  Stack outputs: PressState and Press do not output ConfigurationSet (the SES configuration set, Press) → deploy this version (npm run deploy), or set HERALD_SES_CONFIGURATION_SET',
    );
    expect(line('Configuration set')).toMatch(
      /^warn {2}Configuration set: the senders name no configuration set/,
    );
    expect(exitCode).toBe(0);
  });

  it('fails when there is no such deployment, and still checks the account', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id PressState does not exist'), { name: 'ValidationError' }),
      );
    const { line, exitCode } = await doctor();
    expect(line('Stack outputs')).toMatch(
      /^FAIL {2}Stack outputs: there is no stack PressState in eu-west-1/,
    );
    expect(line('SES account')).toMatch(/^ok/);
    expect(line('From identity')).toMatch(
      /^warn {2}From identity: not checked: no From address is configured/,
    );
    expect(exitCode).toBe(1);
  });

  it('says which question went unanswered instead of hanging or crashing', async () => {
    ses
      .on(GetAccountCommand)
      .rejects(Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' }));
    const { line, exitCode } = await doctor();
    expect(line('SES account')).toMatch(
      /^warn {2}SES account: not checked: no answer to ses:GetAccount within 5 s/,
    );
    expect(line('Sending rate')).toMatch(/^warn {2}Sending rate: not checked/);
    expect(exitCode).toBe(0);
  });

  it('names the permission a denied question needs', async () => {
    ses.on(GetAccountCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: ses:GetAccount'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const { line } = await doctor();
    expect(line('SES account')).toContain('→ allow ses:GetAccount for the identity running herald');
  });
});

describe('herald doctor --json', () => {
  it('prints the same checks as JSON, with the records and the exit code of the text', async () => {
    ses.on(GetAccountCommand).resolves({ ...healthyAccount, ProductionAccessEnabled: false });
    identities({
      'example.org': { ...verifiedDomain, DkimAttributes: { Status: 'PENDING', Tokens: ['abc1'] } },
    });
    const { output, exitCode } = await doctor({}, { json: true });
    const report = JSON.parse(output) as {
      sendable: boolean;
      checks: { id: string; status: string; found: string; records?: unknown[] }[];
    };
    expect(exitCode).toBe(1);
    expect(report.sendable).toBe(false);
    expect(report.checks.map((check) => check.id)).toEqual([
      'account',
      'identity',
      'dkim',
      'mail-from',
      'configuration-set',
      'event-destination',
      'send-rate',
      'daily-quota',
      'token-keys',
      'address-key',
      'stack-outputs',
      'dns',
    ]);
    expect(report.checks[0]).toMatchObject({ id: 'account', status: 'fail' });
    expect(report.checks.at(-1)).toMatchObject({
      status: 'warn',
      records: [{ name: 'abc1._domainkey.example.org', type: 'CNAME', value: 'abc1.dkim.amazonses.com' }],
    });
  });
});
