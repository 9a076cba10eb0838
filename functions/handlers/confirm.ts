import { HttpError, InvalidTokenError } from '#core/errors.ts';
import { isLanguage } from '#core/i18n/languages.ts';
import { personalLinks } from '#core/subscriptions/links.ts';
import { confirmSubscription } from '#core/subscriptions/subscribe.ts';
import { verifyToken } from '#core/tokens.ts';
import { html, originOf, refuseCrossSite, withHttpErrors } from '#handlers/shared/http.ts';
import { logger } from '#handlers/shared/logger.ts';
import { siteFromEnv } from '#handlers/shared/site.ts';

const site = await siteFromEnv();

/**
 * `GET /confirm?t=…` shows one button and confirms nothing (link scanners only GET); the reader's
 * `POST` confirms, and a welcome mail follows. An expired or used link says how to get a new one.
 */
export const handler = withHttpErrors(
  async (event) => {
    const token = event.queryStringParameters?.t;
    if (!token) throw new HttpError(400, 'the link has no token: copy the whole link from the mail');
    try {
      if (event.requestContext.http.method === 'POST') {
        refuseCrossSite(event, [originOf(site.config.HERALD_PUBLIC_BASE_URL)]);
        const { outcome, subscriber } = await confirmSubscription(site, site.tokenKeys, token, new Date());
        logger.info('subscription confirmed', { subscriberId: subscriber.id, outcome });
        const t = await site.messagesFor(subscriber.lang);
        const { preferencesUrl } = personalLinks(
          site.config.HERALD_PUBLIC_BASE_URL,
          site.tokenKeys,
          subscriber.id,
        );
        return html(
          200,
          await site.page(subscriber.lang, 'welcomeHeading', ['confirmedDone'], {
            trustedHtml: `<p><a href="${site.escape(preferencesUrl)}">${site.escape(t('preferences'))}</a></p>`,
          }),
        );
      }
      const subscriber = await site.subscribers.get(verifyToken(site.tokenKeys, 'confirm', token));
      if (subscriber?.status === 'confirmed')
        return html(200, await site.page(subscriber.lang, 'welcomeHeading', ['confirmedDone']));
      if (subscriber?.status !== 'pending') throw new InvalidTokenError('the link is no longer valid');
      const t = await site.messagesFor(subscriber.lang);
      return html(
        200,
        await site.page(subscriber.lang, 'confirmHeading', ['confirmPageBody'], {
          form: {
            action: `${event.rawPath}?t=${encodeURIComponent(token)}`,
            field: 'confirm',
            value: 'yes',
            button: t('confirmButton'),
          },
        }),
      );
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new HttpError(400, error.message, { cause: error });
      throw error;
    }
  },
  async (status, message, event) => {
    const lang = isLanguage(event.queryStringParameters?.lang) ? event.queryStringParameters.lang : 'en';
    const t = await site.messagesFor(lang);
    if (status === 400) {
      return site.page(lang, 'confirmHeading', ['confirmExpired'], {
        trustedHtml: `<p><a href="/subscribe?lang=${lang}">${site.escape(t('subscribeButton'))}</a></p>`,
      });
    }
    return site.page(lang, 'confirmHeading', [], {
      trustedHtml: `<p role="alert">${site.escape(message)}</p>`,
    });
  },
);
