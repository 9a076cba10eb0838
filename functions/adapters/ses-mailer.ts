import {
  type BulkEmailEntryResult,
  GetAccountCommand,
  SendBulkEmailCommand,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import { sesClient } from '#adapters/clients.ts';
import { sesBulkTemplate, sesEntryData } from '#adapters/ses-template.ts';
import {
  AccountRefusedError,
  DailyQuotaExceededError,
  RecipientRejectedError,
  SendThrottledError,
} from '#core/delivery/send-errors.ts';
import { encodeMailbox } from '#core/mail/address.ts';
import type { BulkMail, BulkMailer, BulkResult, Mailer, OutgoingMail } from '#core/mail/ports.ts';
import { normalizeEmail } from '#core/subscriptions/subscriber.ts';

/** Messages with which SES refuses an address in a request, without saying which one. */
const ADDRESS_SYNTAX =
  /illegal address|missing final '@domain'|missing domain|domain contains|local address contains|invalid (?:recipient )?(?:email )?address/i;

/**
 * SES v2 refusals, read by kind (error names and messages as SES v2 returns them), and by whose fault:
 * - throttling and the daily quota: wait;
 * - the account or Herald's own configuration (sending paused, suspended, an unverified identity or
 *   sandbox recipient, an unknown configuration set, a message SES will not take, a malformed From):
 *   `AccountRefusedError` — the digest pauses with the reason, no reader is blamed;
 * - the reader's address: `RecipientRejectedError` — only when SES refuses an address and the From of
 *   this very request was accepted by SES before (`fromProven`), so the recipient is the one address in
 *   the request that can be wrong;
 * - anything else is transient (retried with back-off).
 */
export function classifySesError(
  error: unknown,
  context: { fromProven?: boolean; from?: string } = {},
): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const { name } = error;
  const message = withoutRecipients(error.message, context.from);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (/daily message quota/i.test(message)) return new DailyQuotaExceededError(message, { cause: error });
  if (name === 'TooManyRequestsException' || status === 429 || /maximum sending rate/i.test(message)) {
    return new SendThrottledError(message, { cause: error });
  }
  if (
    [
      'SendingPausedException',
      'AccountSuspendedException',
      'MailFromDomainNotVerifiedException',
      'NotFoundException',
    ].includes(name) ||
    /not verified|sending paused|suspended|configuration set/i.test(message)
  ) {
    return new AccountRefusedError(`${name}: ${message}`, { cause: error });
  }
  if (['MessageRejected', 'BadRequestException', 'InvalidParameterValue'].includes(name)) {
    if (context.fromProven && ADDRESS_SYNTAX.test(message))
      return new RecipientRejectedError(`${name}: ${message}`, { cause: error });
    return new AccountRefusedError(
      `${name}: ${message} (not the reader's fault: check the From, the configuration set and the message)`,
      {
        cause: error,
      },
    );
  }
  return error;
}

/** An address in an SES message (SES lists identities after a colon, separated by commas). */
const ADDRESS_IN_MESSAGE = /[^\s,:;<>()"']+@[^\s,:;<>()"']*[^\s,:;<>()"'.]/g;

/**
 * An SES message fit for a pause reason and a log line: a reader's address is personal data, so every
 * address but the From's own (Herald's sending identity, which the operator must see to fix) is
 * replaced. In the sandbox SES names the unverified recipient: the reason then says so.
 */
function withoutRecipients(message: string, from: string | undefined): string {
  const own = from?.match(/<([^>]+)>\s*$/)?.[1]?.toLowerCase() ?? from?.toLowerCase();
  let recipients = 0;
  const redacted = message.replace(ADDRESS_IN_MESSAGE, (address) => {
    if (address.toLowerCase() === own) return address;
    recipients++;
    return 'a recipient';
  });
  if (recipients > 0 && /not verified/i.test(message))
    return `${redacted} (the SES account is in the sandbox: verify the recipients, or request production access)`;
  return redacted;
}

/** From (and Reply-To) values SES has taken in this process, already encoded: a From SES accepted once is proven. */
const proven = new Set<string>();
const encoded = new Map<string, string>();
const mailbox = (value: string) => {
  let header = encoded.get(value);
  if (header === undefined) {
    header = encodeMailbox(value);
    encoded.set(value, header);
  }
  return header;
};

/** A recipient as SES takes it, or the reader's own refusal: an address Herald would never accept. */
function recipientAddress(to: string): string {
  try {
    return normalizeEmail(to);
  } catch (error) {
    throw new RecipientRejectedError(`the address is not one SES can take: ${(error as Error).message}`);
  }
}

/** A From (or Reply-To) as a header, or Herald's configuration's refusal: one that cannot be written. */
function senderMailbox(value: string): string {
  try {
    return mailbox(value);
  } catch (error) {
    throw new AccountRefusedError(`the From address cannot be sent: ${(error as Error).message}`);
  }
}

/**
 * A bulk entry's status as the error a single send would have thrown (SES v2's BulkEmailStatus), so one
 * reading of SES's refusals serves both: throttling and the quota wait, the account's refusals pause,
 * an address refused once the From was proven is the reader's, and a transient failure is retried.
 */
const STATUS_AS_ERROR: Readonly<Record<string, string>> = {
  ACCOUNT_THROTTLED: 'TooManyRequestsException',
  ACCOUNT_DAILY_QUOTA_EXCEEDED: 'LimitExceededException',
  ACCOUNT_SENDING_PAUSED: 'SendingPausedException',
  CONFIGURATION_SET_SENDING_PAUSED: 'SendingPausedException',
  ACCOUNT_SUSPENDED: 'AccountSuspendedException',
  MAIL_FROM_DOMAIN_NOT_VERIFIED: 'MailFromDomainNotVerifiedException',
  CONFIGURATION_SET_NOT_FOUND: 'NotFoundException',
  TEMPLATE_NOT_FOUND: 'NotFoundException',
  INVALID_SENDING_POOL_NAME: 'NotFoundException',
  MESSAGE_REJECTED: 'MessageRejected',
  INVALID_PARAMETER: 'BadRequestException',
  FAILED: 'MessageRejected',
};

function entryError(result: BulkEmailEntryResult, context: { fromProven: boolean; from: string }): Error {
  const status = result.Status ?? 'FAILED';
  const message =
    status === 'ACCOUNT_DAILY_QUOTA_EXCEEDED'
      ? `Daily message quota exceeded. ${result.Error ?? ''}`.trim()
      : (result.Error ?? status);
  const name = Object.hasOwn(STATUS_AS_ERROR, status) ? STATUS_AS_ERROR[status] : undefined;
  // TRANSIENT_FAILURE, and any status SES adds later: retried, as a transient error is.
  if (!name) return new Error(`${status}: ${message}`);
  const error = Object.assign(new Error(message), { name });
  return classifySesError(error, context);
}

/**
 * SES v2: a digest goes out with SendBulkEmail — one call for up to 50 readers, one template (the digest
 * rendered once) and each reader's own links and one-click unsubscribe headers (`ReplacementHeaders`);
 * a single mail (a confirmation, a suggestion) with SendEmail.
 */
export class SesMailer implements Mailer, BulkMailer {
  constructor(private readonly configurationSet?: string) {}

  async sendBulk(mail: BulkMail): Promise<BulkResult[]> {
    const results: Array<BulkResult | undefined> = mail.recipients.map(() => undefined);
    const entries: Array<{ index: number; to: string }> = [];
    mail.recipients.forEach((recipient, index) => {
      try {
        entries.push({ index, to: recipientAddress(recipient.to) });
      } catch (error) {
        results[index] = { error: error as RecipientRejectedError };
      }
    });
    if (entries.length === 0) return results as BulkResult[];
    const from = senderMailbox(mail.from);
    let answer: BulkEmailEntryResult[];
    try {
      const output = await sesClient().send(
        new SendBulkEmailCommand({
          FromEmailAddress: from,
          ConfigurationSetName: this.configurationSet || undefined,
          DefaultContent: { Template: { TemplateContent: sesBulkTemplate(mail), TemplateData: '{}' } },
          BulkEmailEntries: entries.map(({ index, to }) => {
            const recipient = mail.recipients[index]!;
            return {
              Destination: { ToAddresses: [to] },
              ReplacementEmailContent: {
                ReplacementTemplate: { ReplacementTemplateData: sesEntryData(recipient) },
              },
              ReplacementHeaders: recipient.headers.map(({ name, value }) => ({ Name: name, Value: value })),
            };
          }),
        }),
      );
      answer = output.BulkEmailEntryResults ?? [];
    } catch (error) {
      throw classifySesError(error, { fromProven: proven.has(from) && entries.length === 1, from });
    }
    if (answer.some((result) => result.Status === 'SUCCESS')) proven.add(from);
    const context = { fromProven: proven.has(from), from };
    entries.forEach(({ index }, i) => {
      const result = answer[i];
      results[index] =
        result?.Status === 'SUCCESS'
          ? { messageId: result.MessageId ?? '' }
          : { error: result ? entryError(result, context) : new Error('SES gave no result for this entry') };
    });
    return results as BulkResult[];
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    // Herald's own checks first: an address Herald would never accept is the reader's; a From that
    // cannot be written into a header is Herald's configuration.
    const to = recipientAddress(mail.to);
    const from = senderMailbox(mail.from);
    const replyTo = mail.replyTo ? senderMailbox(mail.replyTo) : undefined;
    try {
      const result = await sesClient().send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [to] },
          ReplyToAddresses: replyTo ? [replyTo] : undefined,
          ConfigurationSetName: this.configurationSet || undefined,
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: {
                Html: { Data: mail.html, Charset: 'UTF-8' },
                Text: { Data: mail.text, Charset: 'UTF-8' },
              },
              Headers: mail.headers.map(({ name, value }) => ({ Name: name, Value: value })),
            },
          },
        }),
      );
      proven.add(from);
      return { messageId: result.MessageId ?? '' };
    } catch (error) {
      throw classifySesError(error, { fromProven: proven.has(from), from });
    }
  }
}

/** The account's sending limits as SES reports them: mails per second, and per rolling day. */
export async function sesSendQuota(): Promise<{ maxSendRate: number; max24HourSend: number }> {
  const account = await sesClient().send(new GetAccountCommand({}));
  return {
    maxSendRate: account.SendQuota?.MaxSendRate ?? 1,
    max24HourSend: account.SendQuota?.Max24HourSend ?? 200,
  };
}
