import { formatMessage, loadMessages } from '#core/i18n/messages.ts';
import { fillMail } from '#core/mail/fill.ts';
import type { Mailer, TemplateSource } from '#core/mail/ports.ts';
import { renderMail } from '#core/mail/render-mail.ts';
import { personalLinks } from '#core/subscriptions/links.ts';
import type { Notices } from '#core/subscriptions/ports.ts';
import type { Subscriber } from '#core/subscriptions/subscriber.ts';
import type { TokenKeys } from '#core/tokens.ts';

export interface NoticeSettings {
  readonly from: string;
  readonly publisher: string;
  readonly publicBaseUrl: string;
  readonly postalAddress?: string;
  readonly tokenKeys: TokenKeys;
}

/**
 * The one-off mails of a subscription, in the subscriber's language: each rendered from its template and
 * sent at once. Only the welcome mail is list mail, with one-click unsubscribe headers.
 */
export class MailNotices implements Notices {
  constructor(
    private readonly templates: TemplateSource,
    private readonly mailer: Mailer,
    private readonly settings: NoticeSettings,
  ) {}

  async confirmation(subscriber: Subscriber, confirmUrl: string): Promise<void> {
    const t = await this.messages(subscriber);
    const mail = await renderMail(this.templates, 'confirmation', this.frame(subscriber), {}, ['confirmUrl']);
    await this.send(subscriber, fillMail(mail, t('confirmSubject'), t('confirmHeading'), { confirmUrl }), []);
  }

  async welcome(subscriber: Subscriber): Promise<void> {
    const t = await this.messages(subscriber);
    const links = personalLinks(this.settings.publicBaseUrl, this.settings.tokenKeys, subscriber.id);
    const frame = {
      ...this.frame(subscriber),
      footerReason: t('whyReceived', { language: t('languageName') }),
    };
    const mail = await renderMail(this.templates, 'welcome', frame, {}, ['unsubscribeUrl', 'preferencesUrl']);
    await this.send(subscriber, fillMail(mail, t('welcomeSubject'), t('welcomeHeading'), links), [
      { name: 'List-Unsubscribe', value: `<${links.unsubscribeUrl}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
  }

  async link(subscriber: Subscriber, kind: 'data' | 'erase', url: string): Promise<void> {
    const t = await this.messages(subscriber);
    const data = { heading: t(`${kind}Subject`), body: t(`${kind}Body`), button: t(`${kind}Button`) };
    const mail = await renderMail(this.templates, 'link', this.frame(subscriber), data, ['actionUrl']);
    await this.send(
      subscriber,
      fillMail(mail, t(`${kind}Subject`), t(`${kind}Body`), { actionUrl: url }),
      [],
    );
  }

  private frame(subscriber: Subscriber) {
    return {
      lang: subscriber.lang,
      publisher: this.settings.publisher,
      postalAddress: this.settings.postalAddress,
    };
  }

  private async messages(subscriber: Subscriber) {
    const messages = await loadMessages(this.templates, subscriber.lang);
    return (key: string, values: Record<string, string> = {}) =>
      formatMessage(messages, subscriber.lang, key, { publisher: this.settings.publisher, ...values });
  }

  private async send(
    subscriber: Subscriber,
    mail: { subject: string; html: string; text: string },
    headers: Array<{ name: string; value: string }>,
  ) {
    await this.mailer.send({ from: this.settings.from, to: subscriber.email, ...mail, headers });
  }
}
