import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GetAccountCommand,
  GetConfigurationSetCommand,
  GetConfigurationSetEventDestinationsCommand,
  GetEmailIdentityCommand,
  SESv2Client,
  SendEmailCommand,
  type SendEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SesEventDetail } from '#core/subscriptions/ses-events.ts';
import { sesServer as startEmulator } from '#local/emulators.ts';
import type { SesAccount } from '#local/ses-account.ts';
import { type SesFront, startSesFront } from '#local/ses-front.ts';

// The strict SES front in front of the real emulator, driven by the real SES v2 client over HTTP: each
// refusal must reach the caller as the SDK's own exception class, with SES's status and message.

const ACCOUNT: SesAccount = {
  region: 'us-east-1',
  maxSendRate: 200,
  max24HourSend: 200_000,
  sandbox: false,
  verifiedIdentities: ['news.example.org', 'editor@press.example.net'],
  configurationSets: ['herald-local'],
};

let emulator: Server;
let front: SesFront;
let ses: SESv2Client;
const events: Array<{ detailType: string; detail: SesEventDetail }> = [];

beforeAll(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
  front = await startSesFront({
    host: '127.0.0.1',
    port: 0,
    target: `http://127.0.0.1:${(emulator.address() as AddressInfo).port}`,
    account: ACCOUNT,
    eventDelayMs: 0,
  });
  front.onEvent(async (event) => {
    events.push({ detailType: event['detail-type'], detail: event.detail });
  });
  ses = new SESv2Client({
    endpoint: front.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // Every refusal is seen as it comes: no retries of throttled calls by the SDK.
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await front?.close();
  await new Promise((resolve) => emulator?.close(resolve));
});
beforeEach(() => front.update(ACCOUNT));

const mail = (overrides: Partial<SendEmailCommandInput> = {}): SendEmailCommandInput => ({
  FromEmailAddress: 'News <digest@news.example.org>',
  Destination: { ToAddresses: ['reader@example.com'] },
  Content: {
    Simple: {
      Subject: { Data: 'This week', Charset: 'UTF-8' },
      Body: { Text: { Data: 'Hello', Charset: 'UTF-8' } },
    },
  },
  ...overrides,
});

/** The SDK's exception for a call, with the class name, status and message the caller sees. */
async function refusal(input: SendEmailCommandInput) {
  const error = await ses.send(new SendEmailCommand(input)).then(
    () => undefined,
    (thrown: unknown) => thrown as Error & { $metadata: { httpStatusCode?: number } },
  );
  if (!error) throw new Error('SES took a call the front should have refused');
  return { name: error.name, status: error.$metadata.httpStatusCode, message: error.message };
}

async function outboxTo(address: string): Promise<number> {
  const { emails } = (await (await fetch(`${front.url}/store`)).json()) as {
    emails: Array<{ destination: { to: string[] } }>;
  };
  return emails.filter((m) => m.destination.to.includes(address)).length;
}

describe('the From', () => {
  it('is taken from a verified domain, and the mail reaches the outbox behind the front', async () => {
    const sent = await ses.send(
      new SendEmailCommand(mail({ Destination: { ToAddresses: ['ok@example.com'] } })),
    );
    expect(sent.MessageId).toBeTruthy();
    expect(await outboxTo('ok@example.com')).toBe(1);
  });

  it('is taken when it is itself a verified address', async () => {
    const sent = await ses.send(new SendEmailCommand(mail({ FromEmailAddress: 'editor@press.example.net' })));
    expect(sent.MessageId).toBeTruthy();
  });

  it('is refused when it is not verified, as SES refuses it, and nothing is sent', async () => {
    expect(
      await refusal(
        mail({
          FromEmailAddress: 'Someone <x@other.example>',
          Destination: { ToAddresses: ['no1@example.com'] },
        }),
      ),
    ).toEqual({
      name: 'MessageRejected',
      status: 400,
      message:
        'Email address is not verified. The following identities failed the check in region US-EAST-1: x@other.example',
    });
    expect(await outboxTo('no1@example.com')).toBe(0);
  });

  it('with a raw 8-bit display name is an illegal address (SES takes only RFC 2047-encoded names)', async () => {
    expect(await refusal(mail({ FromEmailAddress: 'Пресс-служба <digest@news.example.org>' }))).toEqual({
      name: 'BadRequestException',
      status: 400,
      message: 'Illegal address',
    });
    const encoded = '=?UTF-8?B?0J/RgNC10YHRgS3RgdC70YPQttCx0LA=?= <digest@news.example.org>';
    expect(
      (await ses.send(new SendEmailCommand(mail({ FromEmailAddress: encoded })))).MessageId,
    ).toBeTruthy();
  });
});

describe('the sandbox', () => {
  it('refuses a recipient that is not verified, naming it as SES does', async () => {
    front.update({ sandbox: true });
    expect(await refusal(mail({ Destination: { ToAddresses: ['Reader <stranger@example.com>'] } }))).toEqual({
      name: 'MessageRejected',
      status: 400,
      message:
        'Email address is not verified. The following identities failed the check in region US-EAST-1: stranger@example.com',
    });
  });

  it('takes verified recipients and the mailbox simulator', async () => {
    front.update({ sandbox: true });
    for (const to of [
      'someone@news.example.org',
      'editor@press.example.net',
      'success@simulator.amazonses.com',
    ])
      expect(
        (await ses.send(new SendEmailCommand(mail({ Destination: { ToAddresses: [to] } })))).MessageId,
      ).toBeTruthy();
  });

  it('is off unless asked for: any recipient is taken', async () => {
    expect((await ses.send(new SendEmailCommand(mail()))).MessageId).toBeTruthy();
  });
});

describe('the message', () => {
  it('may name at most 50 recipients, To, Cc and Bcc together', async () => {
    const many = Array.from({ length: 26 }, (_, i) => `r${i}@example.com`);
    expect(
      await refusal(mail({ Destination: { ToAddresses: many, BccAddresses: many.map((a) => `b.${a}`) } })),
    ).toEqual({ name: 'BadRequestException', status: 400, message: 'Recipient count exceeds 50.' });
    const fifty = Array.from({ length: 50 }, (_, i) => `fifty${i}@example.com`);
    expect(
      (await ses.send(new SendEmailCommand(mail({ Destination: { ToAddresses: fifty } })))).MessageId,
    ).toBeTruthy();
  });

  it('holds a header SES writes itself (or a single RFC 5322 field) only once', async () => {
    const withHeaders = (headers: Array<{ Name: string; Value: string }>) =>
      mail({
        Content: {
          Simple: {
            Subject: { Data: 'This week' },
            Body: { Text: { Data: 'Hello' } },
            Headers: headers,
          },
        },
      });
    expect(await refusal(withHeaders([{ Name: 'Subject', Value: 'Another subject' }]))).toEqual({
      name: 'BadRequestException',
      status: 400,
      message: "Duplicate header 'Subject'.",
    });
    expect(
      await refusal(
        withHeaders([
          { Name: 'Message-ID', Value: '<a@news.example.org>' },
          { Name: 'message-id', Value: '<b@news.example.org>' },
        ]),
      ),
    ).toEqual({ name: 'BadRequestException', status: 400, message: "Duplicate header 'Message-ID'." });
    const once = withHeaders([
      { Name: 'List-Unsubscribe', Value: '<https://news.example.org/u>' },
      { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
    ]);
    expect((await ses.send(new SendEmailCommand(once))).MessageId).toBeTruthy();
  });

  it('carries only printable ASCII in a custom header value', async () => {
    const refused = await refusal(
      mail({
        Content: {
          Simple: {
            Subject: { Data: 'This week' },
            Body: { Text: { Data: 'Hello' } },
            Headers: [{ Name: 'X-Campaign', Value: 'Été' }],
          },
        },
      }),
    );
    expect(refused).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(refused.message).toContain("header 'X-Campaign'");
  });

  it('is at most 40 MB once MIME-encoded (the SES v2 API quota)', async () => {
    const html = 'x'.repeat(31 * 1024 * 1024); // base64: over 41 MB
    const refused = await refusal(
      mail({ Content: { Simple: { Subject: { Data: 'Big' }, Body: { Html: { Data: html } } } } }),
    );
    expect(refused).toMatchObject({ name: 'MessageRejected', status: 400 });
    expect(refused.message).toMatch(/^Message length is more than 41943040 bytes/);
  });

  it('names a configuration set that exists, or SES answers 404', async () => {
    expect(await refusal(mail({ ConfigurationSetName: 'gone' }))).toEqual({
      name: 'NotFoundException',
      status: 404,
      message: 'Configuration set gone does not exist.',
    });
    expect(
      (await ses.send(new SendEmailCommand(mail({ ConfigurationSetName: 'herald-local' })))).MessageId,
    ).toBeTruthy();
  });
});

describe('the sending rate', () => {
  it('refuses what goes above MaxSendRate in a second with 429 TooManyRequestsException', async () => {
    front.update({ maxSendRate: 2 });
    const results = await Promise.allSettled(
      [1, 2, 3].map((i) =>
        ses.send(new SendEmailCommand(mail({ Destination: { ToAddresses: [`fast${i}@example.com`] } }))),
      ),
    );
    // Sends of the tests before may still be in the last second: at most two of these go through.
    const accepted = results.filter((r) => r.status === 'fulfilled');
    const refused = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason);
    expect(accepted.length).toBeLessThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const error of refused)
      expect(error).toMatchObject({
        name: 'TooManyRequestsException',
        message: 'Maximum sending rate exceeded.',
        $metadata: { httpStatusCode: 429 },
      });
  });
});

describe('the read operations, as SES answers them for the local account', () => {
  it('GetAccount: production access and the send quota', async () => {
    const account = await ses.send(new GetAccountCommand({}));
    expect(account.ProductionAccessEnabled).toBe(true);
    expect(account.SendingEnabled).toBe(true);
    expect(account.SendQuota).toMatchObject({ MaxSendRate: 200, Max24HourSend: 200_000 });
    front.update({ sandbox: true });
    expect((await ses.send(new GetAccountCommand({}))).ProductionAccessEnabled).toBe(false);
  });

  it('GetEmailIdentity: the verified domain, DKIM and MAIL FROM in place; an unknown one is 404', async () => {
    const identity = await ses.send(new GetEmailIdentityCommand({ EmailIdentity: 'news.example.org' }));
    expect(identity).toMatchObject({
      IdentityType: 'DOMAIN',
      VerifiedForSendingStatus: true,
      DkimAttributes: { Status: 'SUCCESS', SigningEnabled: true },
      MailFromAttributes: { MailFromDomain: 'mail.news.example.org', MailFromDomainStatus: 'SUCCESS' },
    });
    const address = await ses.send(
      new GetEmailIdentityCommand({ EmailIdentity: 'editor@press.example.net' }),
    );
    expect(address).toMatchObject({ IdentityType: 'EMAIL_ADDRESS', VerifiedForSendingStatus: true });
    await expect(
      ses.send(new GetEmailIdentityCommand({ EmailIdentity: 'other.example' })),
    ).rejects.toMatchObject({
      name: 'NotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('GetConfigurationSet and its event destinations: bounces and complaints to EventBridge', async () => {
    const set = await ses.send(new GetConfigurationSetCommand({ ConfigurationSetName: 'herald-local' }));
    expect(set.ConfigurationSetName).toBe('herald-local');
    expect(set.SendingOptions?.SendingEnabled).toBe(true);
    const { EventDestinations } = await ses.send(
      new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: 'herald-local' }),
    );
    expect(EventDestinations).toEqual([
      expect.objectContaining({
        Enabled: true,
        MatchingEventTypes: ['BOUNCE', 'COMPLAINT'],
        EventBridgeDestination: { EventBusArn: 'arn:aws:events:us-east-1:000000000000:event-bus/default' },
      }),
    ]);
    for (const command of [
      new GetConfigurationSetCommand({ ConfigurationSetName: 'gone' }),
      new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: 'gone' }),
    ])
      await expect(ses.send(command as GetConfigurationSetCommand)).rejects.toMatchObject({
        name: 'NotFoundException',
        message: 'Configuration set gone does not exist.',
        $metadata: { httpStatusCode: 404 },
      });
  });
});

describe('the mailbox simulator', () => {
  const waitForEvents = async (n: number) => {
    for (let i = 0; i < 100 && events.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    return events;
  };

  it('bounce@, complaint@ and suppressionlist@ are followed by the events SES publishes, only through a configuration set', async () => {
    events.length = 0;
    // Without a configuration set SES publishes nothing: this bounce makes no event.
    await ses.send(
      new SendEmailCommand(mail({ Destination: { ToAddresses: ['bounce+none@simulator.amazonses.com'] } })),
    );
    const withSet = (to: string) =>
      ses.send(
        new SendEmailCommand(
          mail({ ConfigurationSetName: 'herald-local', Destination: { ToAddresses: [to] } }),
        ),
      );
    const bounce = await withSet('bounce@simulator.amazonses.com');
    await withSet('complaint@simulator.amazonses.com');
    await withSet('suppressionlist@simulator.amazonses.com');
    await withSet('success@simulator.amazonses.com');

    const seen = await waitForEvents(3);
    expect(seen.map((e) => e.detailType).sort()).toEqual([
      'Email Bounced',
      'Email Bounced',
      'Email Complaint Received',
    ]);
    const detail = (address: string) =>
      seen.find(
        (e) =>
          e.detail.bounce?.bouncedRecipients[0]?.emailAddress === address ||
          e.detail.complaint?.complainedRecipients[0]?.emailAddress === address,
      )?.detail as Record<string, Record<string, unknown>> | undefined;

    expect(detail('bounce@simulator.amazonses.com')).toMatchObject({
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent', bounceSubType: 'General' },
      mail: { messageId: bounce.MessageId, source: 'digest@news.example.org' },
    });
    const complaint = detail('complaint@simulator.amazonses.com');
    expect(complaint?.complaint).toBeDefined();
    expect(complaint?.complaint).not.toHaveProperty('complaintFeedbackType');
    expect(detail('suppressionlist@simulator.amazonses.com')).toMatchObject({
      bounce: { bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList' },
    });
    expect(detail('bounce+none@simulator.amazonses.com')).toBeUndefined();
  });
});
