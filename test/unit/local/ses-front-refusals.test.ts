import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifySesError } from '#adapters/ses-mailer.ts';
import {
  AccountRefusedError,
  RecipientRejectedError,
  SendThrottledError,
} from '#core/delivery/send-errors.ts';
import type { SesAccount } from '#local/ses-account.ts';
import type { SesFront } from '#local/ses-front.ts';
import { startStrictSes } from '../../support/strict-ses.ts';

// How Herald reads the refusals of the strict SES front: the SDK's own exceptions, as SES sends them,
// through `classifySesError`. A reason Herald keeps (a paused digest's, a log line's) never holds a
// reader's address, even when SES's message names it (the sandbox does).

const ACCOUNT: SesAccount = {
  region: 'us-east-1',
  maxSendRate: 1,
  max24HourSend: 200,
  sandbox: true,
  verifiedIdentities: ['news.example.org'],
  configurationSets: ['herald-local'],
};
const FROM = 'News <digest@news.example.org>';

let front: SesFront;
let closeSes: () => Promise<void>;
let ses: SESv2Client;
beforeAll(async () => {
  ({ front, close: closeSes } = await startStrictSes(ACCOUNT));
  ses = new SESv2Client({
    endpoint: front.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});
afterAll(() => closeSes?.());

async function refused(input: Partial<SendEmailCommandInput>, from = FROM) {
  const error = await ses
    .send(
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: ['reader@example.com'] },
        Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hi' } } } },
        ...input,
      }),
    )
    .then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  if (!error) throw new Error('the front took a call it should have refused');
  return classifySesError(error, { fromProven: true, from });
}

describe("SES's refusals as Herald reads them", () => {
  it("the sandbox's refusal is the account's, and its reason names no reader", async () => {
    const error = await refused({ Destination: { ToAddresses: ['Jane Reader <jane.reader@example.com>'] } });
    expect(error).toBeInstanceOf(AccountRefusedError);
    expect(error.message).toContain('Email address is not verified');
    expect(error.message).not.toContain('jane.reader');
    expect(error.message).toContain('sandbox');
  });

  it("an unverified From is the account's, and the reason keeps the From the operator must verify", async () => {
    const error = await refused({}, 'Press <press@unverified.example.net>');
    expect(error).toBeInstanceOf(AccountRefusedError);
    expect(error.message).toContain(
      'The following identities failed the check in region US-EAST-1: press@unverified.example.net',
    );
    expect(error.message).not.toContain('reader@example.com');
  });

  it("an unknown configuration set and a repeated header are Herald's, never the reader's", async () => {
    const simple = {
      Subject: { Data: 'Hi' },
      Body: { Text: { Data: 'Hi' } },
      Headers: [{ Name: 'Subject', Value: 'Again' }],
    };
    for (const error of [
      await refused({ ConfigurationSetName: 'gone' }),
      await refused({ Content: { Simple: simple } }),
    ])
      expect(error).toBeInstanceOf(AccountRefusedError);
  });

  it('the sending rate is throttling (wait and retry), and an illegal recipient is the reader alone', async () => {
    front.update({ sandbox: false });
    const burst = await Promise.all([1, 2, 3].map(() => refused({}).catch((error: Error) => error)));
    expect(burst.some((error) => error instanceof SendThrottledError)).toBe(true);
    expect(await refused({ Destination: { ToAddresses: ['no-at-sign'] } })).toBeInstanceOf(
      RecipientRejectedError,
    );
  });
});
