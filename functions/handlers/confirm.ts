import { InvalidTokenError } from '#core/errors.ts';
import { personalLinks } from '#core/subscriptions/links.ts';
import { confirmSubscription } from '#core/subscriptions/subscribe.ts';
import { verifyToken } from '#core/tokens.ts';
import { html, originOf, refuseCrossSite } from '#handlers/shared/http.ts';
import { httpHandler, languageOf } from '#handlers/shared/http-edge.ts';
import { logger } from '#handlers/shared/logger.ts';
import { siteFromEnv } from '#handlers/shared/site.ts';

const site = await siteFromEnv();

/**
 * `GET /confirm?t=…` shows one button and confirms nothing (link scanners only GET); the reader's
 * `POST` confirms, and a welcome mail follows. An expired or used link says how to get a new one.
 */
export const handler = httpHandler(
  'confirm',
  async (event, request) => {
    const token = request.token();
    if (request.method === 'POST') {
      refuseCrossSite(event, [originOf(site.config.HERALD_PUBLIC_BASE_URL)]);
      const { outcome, subscriber } = await confirmSubscription(site, site.tokenKeys, token, new Date());
      logger.info('subscription confirmed', { subscriberId: subscriber.id, outcome });
      const t = await site.messagesFor(subscriber.lang);
      const links = personalLinks(site.config.HERALD_PUBLIC_BASE_URL, site.tokenKeys, subscriber.id);
      const link = { href: links.preferencesUrl, text: t('preferences') };
      return html(200, await site.page(subscriber.lang, 'welcomeHeading', ['confirmedDone'], { link }));
    }
    const subscriber = await site.subscribers.get(verifyToken(site.tokenKeys, 'confirm', token));
    if (subscriber?.status === 'confirmed')
      return html(200, await site.page(subscriber.lang, 'welcomeHeading', ['confirmedDone']));
    if (subscriber?.status !== 'pending') throw new InvalidTokenError('the link is no longer valid');
    const t = await site.messagesFor(subscriber.lang);
    const form = {
      action: `${event.rawPath}?t=${encodeURIComponent(token)}`,
      field: 'confirm',
      value: 'yes',
    };
    return html(
      200,
      await site.page(subscriber.lang, 'confirmHeading', ['confirmPageBody'], {
        form: { ...form, button: t('confirmButton') },
      }),
    );
  },
  {
    errorPage: async (status, message, event) => {
      const page = languageOf(event);
      if (status !== 400) return site.page(page, 'confirmHeading', [], { alert: message });
      const t = await site.messagesFor(page);
      const link = { href: `/subscribe?lang=${page}`, text: t('subscribeButton') };
      return site.page(page, 'confirmHeading', ['confirmExpired'], { link });
    },
  },
);
