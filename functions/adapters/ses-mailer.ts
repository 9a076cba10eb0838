import { GetAccountCommand, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { sesClient } from '#adapters/clients.ts';
import {
  AccountRefusedError,
  DailyQuotaExceededError,
  RecipientRejectedError,
  SendThrottledError,
} from '#core/delivery/send-errors.ts';
import type { Mailer, OutgoingMail } from '#ports/index.ts';

/** SES v2 refusals, read by kind (error names and messages as SES v2 returns them). */
export function classifySesError(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const { name, message } = error;
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
  if (name === 'MessageRejected' || (name === 'BadRequestException' && /address/i.test(message))) {
    return new RecipientRejectedError(`${name}: ${message}`, { cause: error });
  }
  return error;
}

/** One SES v2 SendEmail per recipient: the only way to give each one its own unsubscribe headers. */
export class SesMailer implements Mailer {
  constructor(private readonly configurationSet?: string) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    try {
      const result = await sesClient().send(
        new SendEmailCommand({
          FromEmailAddress: mail.from,
          Destination: { ToAddresses: [mail.to] },
          ReplyToAddresses: mail.replyTo ? [mail.replyTo] : undefined,
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
      return { messageId: result.MessageId ?? '' };
    } catch (error) {
      throw classifySesError(error);
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
