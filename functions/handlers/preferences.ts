import { z } from 'zod';
import { HttpError } from '#core/errors.ts';
import { cadenceChoices, languageChoices } from '#core/pages/choices.ts';
import { personalLinks } from '#core/subscriptions/links.ts';
import type { Subscriber } from '#core/subscriptions/subscriber.ts';
import { verifyToken } from '#core/tokens.ts';
import { splitTopics } from '#core/topics.ts';
import { cadenceField, languageField, topicList } from '#handlers/shared/fields.ts';
import { html, originOf, refuseCrossSite } from '#handlers/shared/http.ts';
import { httpHandler } from '#handlers/shared/http-edge.ts';
import { logger } from '#handlers/shared/logger.ts';
import { siteFromEnv } from '#handlers/shared/site.ts';

const site = await siteFromEnv();

const choices = z.object({
  lang: languageField('choose one of the six languages'),
  cadence: cadenceField('choose immediate, daily or weekly'),
  alsoOriginal: z.enum(['on']).optional(),
  topics: z
    .string()
    .max(400, 'topics are at most 400 characters')
    .default('')
    .transform((value) => splitTopics(value).map((topic) => topic.toLowerCase()))
    .pipe(topicList),
});

async function page(subscriber: Subscriber, action: string, notice?: 'prefsSaved' | 'linkSent') {
  const { lang } = subscriber;
  const t = await site.messagesFor(lang);
  const { unsubscribeUrl } = personalLinks(site.config.HERALD_PUBLIC_BASE_URL, site.tokenKeys, subscriber.id);
  return site.pages('preferences', {
    ...{ lang, t, action, unsubscribeUrl, title: t('prefsTitle'), paragraphs: notice ? [t(notice)] : [] },
    ...{ languages: languageChoices(lang), cadences: cadenceChoices(t, subscriber.cadence) },
    ...{ topics: (subscriber.topics ?? []).join(', '), alsoOriginal: subscriber.alsoOriginalLanguage },
  });
}

/**
 * `GET|POST /preferences?t=…`: the preference center a token link in every mail opens — language,
 * cadence, topics, originals; and, by a fresh one-hour link sent by mail, download or erase my data.
 */
export const handler = httpHandler(
  'preferences',
  async (event, request) => {
    const subscriber = await site.subscribers.get(
      verifyToken(site.tokenKeys, 'preferences', request.token()),
    );
    if (!subscriber || subscriber.status === 'suppressed')
      throw new HttpError(404, 'this subscription no longer exists');
    const action = `${event.rawPath}?t=${encodeURIComponent(request.token())}`;
    if (request.method !== 'POST') return html(200, await page(subscriber, action));
    refuseCrossSite(event, [originOf(site.config.HERALD_PUBLIC_BASE_URL)]);
    const form = await request.form();
    if (form.action === 'data' || form.action === 'erase') {
      const limit = await site.limits.take('data-link', subscriber.id, 3, 3600, new Date());
      if (!limit.allowed) {
        const minutes = Math.ceil(limit.retryAfterSeconds / 60);
        throw new HttpError(429, `too many links asked for: try again in ${minutes} minutes`);
      }
      // The link is signed (valid an hour) and mailed by the public-mail worker.
      await site.notices.link(subscriber, form.action);
      logger.info('data link sent', { subscriberId: subscriber.id, kind: form.action });
      return html(200, await page(subscriber, action, 'linkSent'));
    }
    const { lang, cadence, topics, alsoOriginal } = choices.parse(form);
    const alsoOriginalLanguage = alsoOriginal === 'on';
    const updatedAt = new Date().toISOString();
    const updated: Subscriber = { ...subscriber, lang, cadence, topics, alsoOriginalLanguage, updatedAt };
    await site.subscribers.put(updated);
    logger.info('preferences saved', { subscriberId: subscriber.id });
    return html(200, await page(updated, action, 'prefsSaved'));
  },
  {
    errorPage: (status, message) => site.page('en', 'prefsTitle', [], { alert: `${status}: ${message}` }),
  },
);
