import Handlebars from 'handlebars';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SesMailer } from '#adapters/ses-mailer.ts';
import { sesBulkTemplate, sesEntryData } from '#adapters/ses-template.ts';
import { AccountRefusedError, RecipientRejectedError } from '#core/delivery/send-errors.ts';
import { fillParts } from '#core/digests/personalize.ts';
import type { BulkMail } from '#core/mail/ports.ts';
import type { SesAccount } from '#local/ses-account.ts';
import type { SesFront } from '#local/ses-front.ts';
import { startStrictSes } from '../../support/strict-ses.ts';

// A digest goes out as SES SendBulkEmail: one template (the digest, rendered once) and each reader's
// own links and headers. Driven here through Herald's SES adapter and the real SES v2 client, over
// HTTP, against the strict SES front in front of the emulator.

const ACCOUNT: SesAccount = {
  region: 'us-east-1',
  maxSendRate: 200,
  max24HourSend: 200_000,
  sandbox: false,
  verifiedIdentities: ['news.example.org'],
  configurationSets: ['herald-local'],
};

/** Text an article could hold that SES's Handlebars would otherwise read as placeholders. */
const HOSTILE = 'Quoted {{unsubscribeUrl}}, {{#each x}}, \\{{raw}}, {{{triple}}} and {{! comment }}';

const mailTo = (recipients: string[]): BulkMail => ({
  from: 'Press Office <digest@news.example.org>',
  subject: `Subject ${HOSTILE}`,
  html: ['<p>', 'preferencesUrl', `</p><p>${HOSTILE}{`, 'unsubscribeUrl', '}\\', 'unsubscribeUrl', '</p>'],
  text: [`Text ${HOSTILE}{`, 'unsubscribeUrl', '}\n', 'preferencesUrl', '\\'],
  recipients: recipients.map((to, i) => ({
    to,
    values: {
      unsubscribeUrl: `https://news.example.org/unsubscribe?t=k1.s${i}.&"x`,
      preferencesUrl: `https://news.example.org/preferences?t=k1.s${i}.y`,
    },
    headers: [
      { name: 'List-Unsubscribe', value: `<https://news.example.org/unsubscribe?t=k1.s${i}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
  })),
});

const decodeHtml = (html: string) =>
  html.replaceAll('&#123;', '{').replaceAll('&#125;', '}').replaceAll('&#92;', '\\');
const withoutZeroWidth = (text: string) => text.replaceAll('\u200b', '');

describe('the SES template of a bulk mail', () => {
  it('renders, under Handlebars as SES runs it (no escaping), to each reader the mail a single send would carry', () => {
    const mail = mailTo(['a@example.org', 'b@example.org']);
    const template = sesBulkTemplate(mail);
    const hb = Handlebars.create();
    const render = (source: string, data: object) =>
      hb.compile(source, { noEscape: true, strict: true })(data);
    for (const recipient of mail.recipients) {
      const data = JSON.parse(sesEntryData(recipient));
      const expected = fillParts(mail, recipient.values);
      expect(withoutZeroWidth(render(template.Subject, data))).toBe(expected.subject);
      expect(decodeHtml(render(template.Html, data))).toBe(decodeHtml(expected.html));
      expect(withoutZeroWidth(render(template.Text, data))).toBe(expected.text);
    }
  });
});

let front: SesFront;
let closeSes: () => Promise<void>;
const outbox = async () =>
  (
    (await (await fetch(`${front.url}/store`)).json()) as {
      emails: Array<{
        destination: { to: string[] };
        subject: string;
        body: { html: string; text: string };
        headers?: Array<{ name: string; value: string }>;
      }>;
    }
  ).emails;

beforeAll(async () => {
  ({ front, close: closeSes } = await startStrictSes(ACCOUNT, { eventDelayMs: 0 }));
  process.env.AWS_ENDPOINT_URL_SESV2 = front.url;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
});
afterAll(() => closeSes?.());
beforeEach(async () => {
  front.update(ACCOUNT);
  await fetch(`${front.url}/clear-store`, { method: 'POST' });
});

describe('SendBulkEmail through the strict SES front', () => {
  it('one call mails every reader once, with their own links and one-click unsubscribe headers', async () => {
    const readers = ['one@example.org', 'two@example.org', 'three@example.org'];
    const mail = mailTo(readers);
    const results = await new SesMailer('herald-local').sendBulk(mail);
    expect(results.every((r) => 'messageId' in r && r.messageId.length > 0)).toBe(true);
    const sent = await outbox();
    expect(sent.map((m) => m.destination.to[0]).sort()).toEqual([...readers].sort());
    for (const [i, to] of readers.entries()) {
      const got = sent.find((m) => m.destination.to[0] === to)!;
      const expected = fillParts(mail, mail.recipients[i]!.values);
      expect(withoutZeroWidth(got.subject)).toBe(expected.subject);
      expect(decodeHtml(got.body.html)).toBe(decodeHtml(expected.html));
      expect(withoutZeroWidth(got.body.text)).toBe(expected.text);
      expect(got.headers).toContainEqual({
        name: 'List-Unsubscribe',
        value: `<https://news.example.org/unsubscribe?t=k1.s${i}>`,
      });
      expect(got.headers).toContainEqual({
        name: 'List-Unsubscribe-Post',
        value: 'List-Unsubscribe=One-Click',
      });
    }
  });

  it("an address Herald would never send to is that reader's alone; the others are mailed", async () => {
    const results = await new SesMailer('herald-local').sendBulk(
      mailTo(['ok@example.org', 'not an address']),
    );
    expect('messageId' in results[0]!).toBe(true);
    expect(results[1]).toMatchObject({ error: expect.any(RecipientRejectedError) });
    expect((await outbox()).map((m) => m.destination.to[0])).toEqual(['ok@example.org']);
  });

  it("in the sandbox, an unverified reader is refused in its entry as the account's fault, never naming the reader", async () => {
    front.update({ sandbox: true, verifiedIdentities: ['news.example.org', 'verified@example.org'] });
    const results = await new SesMailer('herald-local').sendBulk(
      mailTo(['verified@example.org', 'stranger@example.org']),
    );
    expect('messageId' in results[0]!).toBe(true);
    const refusal = results[1] as { error: Error };
    expect(refusal.error).toBeInstanceOf(AccountRefusedError);
    expect(refusal.error.message).toContain('sandbox');
    expect(refusal.error.message).not.toContain('stranger@example.org');
  });

  it("is throttled whole when its readers do not fit the account's second: every entry counts", async () => {
    front.update({ maxSendRate: 2 });
    await expect(
      new SesMailer('herald-local').sendBulk(mailTo(['a@example.org', 'b@example.org', 'c@example.org'])),
    ).rejects.toMatchObject({ name: 'SendThrottledError' });
    expect(await outbox()).toEqual([]);
  });

  it("a From that is not a verified identity refuses the whole call as the account's fault", async () => {
    front.update({ verifiedIdentities: ['elsewhere.example'] });
    await expect(
      new SesMailer('herald-local').sendBulk(mailTo(['a@example.org', 'b@example.org'])),
    ).rejects.toBeInstanceOf(AccountRefusedError);
    expect(await outbox()).toEqual([]);
  });

  it('more than 50 readers in one call is refused as SES refuses it', async () => {
    const many = Array.from({ length: 51 }, (_, i) => `r${i}@example.org`);
    await expect(new SesMailer('herald-local').sendBulk(mailTo(many))).rejects.toBeInstanceOf(
      AccountRefusedError,
    );
  });
});
