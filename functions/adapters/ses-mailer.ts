import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { sesClient } from '#adapters/clients.ts';
import type { Mailer, OutgoingMail } from '#ports/index.ts';

/** One SES v2 SendEmail per recipient: the only way to give each one its own unsubscribe headers. */
export class SesMailer implements Mailer {
  constructor(private readonly configurationSet?: string) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
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
  }
}
