import { siteFromEnv } from '#builders/site.ts';
import { HttpError } from '#core/errors.ts';
import { preferencesView } from '#core/pages/views.ts';
import { personalLinks } from '#core/subscriptions/links.ts';
import { askForDataLink, savePreferences } from '#core/subscriptions/preferences.ts';
import type { Subscriber } from '#core/subscriptions/subscriber.ts';
import { verifyToken } from '#core/tokens.ts';
import { readPreferencesBody } from '#handlers/shared/bodies.ts';
import { httpHandler } from '#handlers/shared/http-edge.ts';
import { logger } from '#handlers/shared/logger.ts';

const site = await siteFromEnv();

async function page(subscriber: Subscriber, action: string, notice?: 'prefsSaved' | 'linkSent') {
  const { unsubscribeUrl } = personalLinks(site.config.HERALD_PUBLIC_BASE_URL, site.tokenKeys, subscriber.id);
  const t = await site.messagesFor(subscriber.lang);
  return site.pages('preferences', preferencesView(subscriber, t, { action, unsubscribeUrl }, notice));
}

/**
 * `GET|POST /preferences?t=…`: the preference center a token link in every mail opens — language,
 * cadence, topics, originals; and, by a fresh one-hour link sent by mail, download or erase my data.
 */
export const handler = httpHandler(
  'preferences',
  async (_event, request) => {
    const id = verifyToken(site.tokenKeys, 'preferences', request.token());
    const subscriber = await site.subscribers.get(id);
    if (!subscriber || subscriber.status === 'suppressed')
      throw new HttpError(404, 'this subscription no longer exists');
    if (request.method !== 'POST') return page(subscriber, request.here());
    request.refuseCrossSite();
    const body = await readPreferencesBody(request);
    if (body.kind === 'link') {
      await askForDataLink(site, subscriber, body.link, new Date());
      logger.info('data link sent', { subscriberId: subscriber.id, kind: body.link });
      return page(subscriber, request.here(), 'linkSent');
    }
    const updated = await savePreferences(site, subscriber, body.choices, new Date());
    logger.info('preferences saved', { subscriberId: subscriber.id });
    return page(updated, request.here(), 'prefsSaved');
  },
  {
    origins: site.origins,
    errorPage: (status, message) => site.page('en', 'prefsTitle', [], { alert: `${status}: ${message}` }),
  },
);
