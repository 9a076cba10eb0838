import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { DynamoSuppressionList } from '#adapters/dynamodb-suppressions.ts';
import type { Language } from '#core/i18n/languages.ts';
import { addressHash } from '#core/subscriptions/address-hash.ts';
import type { SesAccount } from '#local/ses-account.ts';
import { fixtureDocument } from '../support/documents.ts';
import {
  addReader,
  mailTo,
  sendDeadLetters,
  stackAddressKey,
  stackIdFor,
  upload,
  useLocalStack,
  waitFor,
} from '../support/local-stack.ts';

// Herald's error paths through the local stack's strict SES front, which refuses what Amazon SES
// refuses. The front's account is changed while the stack runs (a withdrawn identity, the sandbox, a
// deleted configuration set, a low sending rate), as an operator's account can change under Herald.

// Read by the sender when it first loads, in this process: a throttled job comes back after a second.
process.env.HERALD_THROTTLE_DEFER_SECONDS = '1';

const local = useLocalStack();
const table = () => local.stack.config.table;
let original: SesAccount | undefined;
const changeAccount = (changes: Partial<SesAccount>) => {
  original ??= local.stack.sesFront.account();
  local.stack.sesFront.update(changes);
};
afterEach(() => {
  if (original) local.stack.sesFront.update(original);
  original = undefined;
});

async function publishTo(readers: readonly string[], lang: Language, document = 'grain-corridor') {
  for (const email of readers) await addReader(local.stack, email, lang);
  await upload(
    local.stack,
    `documents/${document}/${lang}.md`,
    fixtureDocument(`markdown/${document}.${lang}.md`),
  );
}

async function pausedDigest(lang: Language) {
  const digests = new AwsDigestStore(table(), local.stack.config.bucket);
  return waitFor(`the ${lang} digest paused`, async () =>
    (await digests.listRecords(50)).find((d) => d.lang === lang && d.control === 'paused'),
  );
}

async function expectNobodyBlamed(readers: readonly string[]) {
  const suppressions = new DynamoSuppressionList(table());
  const subscribers = new DynamoSubscriberStore(table());
  for (const email of readers) {
    expect(await suppressions.has(addressHash(stackAddressKey(), email)), email).toBe(false);
    expect((await subscribers.get(stackIdFor(email)))?.status, email).toBe('confirmed');
    expect(await mailTo(local.stack, email), email).toHaveLength(0);
  }
}

describe('refusals of the account: the digest pauses with the reason, nobody is suppressed', () => {
  it('a From that is no longer a verified identity', async () => {
    changeAccount({ verifiedIdentities: ['elsewhere.example'] });
    const readers = ['one@unverified.example.org', 'two@unverified.example.org'];
    await publishTo(readers, 'en');
    const paused = await pausedDigest('en');
    expect(paused.controlReason).toContain('Email address is not verified');
    // The operator must see which identity to verify: Herald's own From.
    expect(paused.controlReason).toContain('digest@herald.example.org');
    await expectNobodyBlamed(readers);
  });

  it('the sandbox, mailing a reader who is not a verified identity; the reason never names the reader', async () => {
    changeAccount({ sandbox: true });
    const readers = ['reader@sandboxed.example.org', 'other@sandboxed.example.org'];
    await publishTo(readers, 'fr');
    const paused = await pausedDigest('fr');
    expect(paused.controlReason).toContain('Email address is not verified');
    expect(paused.controlReason).toContain('sandbox');
    expect(paused.controlReason).not.toContain('sandboxed.example.org');
    await expectNobodyBlamed(readers);
  });

  it('a configuration set that no longer exists', async () => {
    changeAccount({ configurationSets: [] });
    const readers = ['one@noset.example.org', 'two@noset.example.org'];
    await publishTo(readers, 'es');
    const paused = await pausedDigest('es');
    expect(paused.controlReason).toContain('Configuration set herald-local does not exist.');
    await expectNobodyBlamed(readers);
  });
});

describe('throttling at the account rate', () => {
  it('Herald above MaxSendRate is refused with 429s, retries, and mails everyone exactly once', async () => {
    const throttledBefore = local.stack.sesFront.refusals().get('TooManyRequestsException') ?? 0;
    // Herald paces at its local default (50 a second); the account now takes 4.
    changeAccount({ maxSendRate: 4 });
    const readers = Array.from({ length: 20 }, (_, i) => `fast${i}@throttle.example.org`);
    await publishTo(readers, 'ru');
    const delivered = async () =>
      Promise.all(readers.map(async (r) => (await mailTo(local.stack, r)).length));
    await waitFor('every reader', async () => (await delivered()).every((n) => n >= 1), 50_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await delivered()).toEqual(readers.map(() => 1));
    expect(local.stack.sesFront.refusals().get('TooManyRequestsException') ?? 0).toBeGreaterThan(
      throttledBefore,
    );
    expect(await sendDeadLetters(local.stack)).toBe(0);
  });
});

describe('the mailbox simulator', () => {
  it("bounce@ and complaint@ (and suppressionlist@) readers are suppressed after SES's event; success@ stays", async () => {
    const bounce = 'bounce+herald@simulator.amazonses.com';
    const complaint = 'complaint+herald@simulator.amazonses.com';
    const suppressed = 'suppressionlist+herald@simulator.amazonses.com';
    const success = 'success+herald@simulator.amazonses.com';
    await publishTo([bounce, complaint, suppressed, success], 'ar');

    const suppressions = new DynamoSuppressionList(table());
    const subscribers = new DynamoSubscriberStore(table());
    for (const email of [bounce, complaint, suppressed]) {
      await waitFor(
        `${email} suppressed`,
        async () => (await subscribers.get(stackIdFor(email)))?.status === 'suppressed',
      );
      expect(await suppressions.has(addressHash(stackAddressKey(), email))).toBe(true);
    }
    await waitFor('the success mail', async () => (await mailTo(local.stack, success)).length === 1);
    expect(await suppressions.has(addressHash(stackAddressKey(), success))).toBe(false);
    expect((await subscribers.get(stackIdFor(success)))?.status).toBe('confirmed');
  });
});

describe('what SES refuses in a message, with its own codes', () => {
  const ses = () => new SESv2Client({ endpoint: local.stack.config.endpoints.sesv2, maxAttempts: 1 });
  const send = (overrides: Record<string, unknown>) =>
    ses().send(
      new SendEmailCommand({
        FromEmailAddress: 'digest@herald.example.org',
        Destination: { ToAddresses: ['reader@example.org'] },
        Content: { Simple: { Subject: { Data: 'Hello' }, Body: { Text: { Data: 'Hello' } } } },
        ...overrides,
      }),
    );

  it('a raw 8-bit display name', async () => {
    await expect(send({ FromEmailAddress: 'Héraut <digest@herald.example.org>' })).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'Illegal address',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('a single header given twice', async () => {
    const headers = [
      { Name: 'Reply-To', Value: 'a@herald.example.org' },
      { Name: 'Reply-To', Value: 'b@herald.example.org' },
    ];
    await expect(
      send({
        Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hi' } }, Headers: headers } },
      }),
    ).rejects.toMatchObject({
      name: 'BadRequestException',
      message: "Duplicate header 'Reply-To'.",
      $metadata: { httpStatusCode: 400 },
    });
  });
});
