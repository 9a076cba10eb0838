import { z } from 'zod';
import { HttpError, InvalidTokenError } from '#core/errors.ts';
import { LANGUAGES, nativeName } from '#core/i18n/languages.ts';
import { personalLinks } from '#core/subscriptions/links.ts';
import { CADENCES, type Subscriber } from '#core/subscriptions/subscriber.ts';
import { verifyToken } from '#core/tokens.ts';
import {
  type HttpEvent,
  html,
  originOf,
  readForm,
  refuseCrossSite,
  withHttpErrors,
} from '#handlers/shared/http.ts';
import { logger } from '#handlers/shared/logger.ts';
import { siteFromEnv } from '#handlers/shared/site.ts';

const site = await siteFromEnv();
const { escape: escapeHtml } = site;

const choices = z.object({
  lang: z.enum(LANGUAGES, { error: 'choose one of the six languages' }),
  cadence: z.enum(CADENCES, { error: 'choose immediate, daily or weekly' }),
  alsoOriginal: z.enum(['on']).optional(),
  topics: z
    .string()
    .max(400, 'topics are at most 400 characters')
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]{0,39}$/u, 'each topic is a word or two'))
        .max(10, 'at most 10 topics'),
    ),
});

async function subscriberFor(event: HttpEvent): Promise<Subscriber> {
  const token = event.queryStringParameters?.t;
  if (!token) throw new HttpError(400, 'the link has no token: copy the whole link from the mail');
  try {
    const subscriber = await site.subscribers.get(verifyToken(site.tokenKeys, 'preferences', token));
    if (!subscriber || subscriber.status === 'suppressed')
      throw new HttpError(404, 'this subscription no longer exists');
    return subscriber;
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new HttpError(400, error.message, { cause: error });
    throw error;
  }
}

async function page(
  subscriber: Subscriber,
  action: string,
  noticeKey?: 'prefsSaved' | 'linkSent',
): Promise<string> {
  const { lang } = subscriber;
  const t = await site.messagesFor(lang);
  const e = (key: string) => escapeHtml(t(key));
  const languageOptions = LANGUAGES.map(
    (code) =>
      `<option value="${code}" lang="${code}"${code === lang ? ' selected' : ''}>${escapeHtml(nativeName(code))}</option>`,
  ).join('');
  const cadenceLabel = {
    immediate: 'cadenceImmediate',
    daily: 'cadenceDaily',
    weekly: 'cadenceWeekly',
  } as const;
  const cadenceOptions = CADENCES.map(
    (cadence) =>
      `<label><input type="radio" name="cadence" value="${cadence}"${cadence === subscriber.cadence ? ' checked' : ''}> ${e(cadenceLabel[cadence])}</label><br>`,
  ).join('\n');
  const { unsubscribeUrl } = personalLinks(site.config.HERALD_PUBLIC_BASE_URL, site.tokenKeys, subscriber.id);
  return site.page(lang, 'prefsTitle', noticeKey ? [noticeKey] : [], {
    trustedHtml: `<form method="post" action="${escapeHtml(action)}">
<p><label for="lang">${e('prefsLanguage')}</label><br><select id="lang" name="lang">${languageOptions}</select></p>
<fieldset><legend>${e('prefsCadence')}</legend>
${cadenceOptions}
</fieldset>
<p><label for="topics">${e('topicsLabel')}</label><br><input id="topics" name="topics" value="${escapeHtml((subscriber.topics ?? []).join(', '))}"></p>
<p><label><input type="checkbox" name="alsoOriginal"${subscriber.alsoOriginalLanguage ? ' checked' : ''}> ${e('prefsAlsoOriginal')}</label></p>
<p><button type="submit">${e('prefsSave')}</button></p>
</form>
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="action" value="data"><p><button type="submit">${e('dataLinkButton')}</button></p></form>
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="action" value="erase"><p><button type="submit">${e('eraseLinkButton')}</button></p></form>
<p><a href="${escapeHtml(unsubscribeUrl)}">${e('unsubscribe')}</a></p>`,
  });
}

/**
 * `GET|POST /preferences?t=…`: the preference center a token link in every mail opens — language,
 * cadence, topics, originals; and, by a fresh one-hour link sent by mail, download or erase my data.
 */
export const handler = withHttpErrors(
  async (event) => {
    const subscriber = await subscriberFor(event);
    const action = `${event.rawPath}?t=${encodeURIComponent(event.queryStringParameters?.t ?? '')}`;
    if (event.requestContext.http.method !== 'POST') return html(200, await page(subscriber, action));
    refuseCrossSite(event, [originOf(site.config.HERALD_PUBLIC_BASE_URL)]);
    const form = Object.fromEntries(await readForm(event));
    if (form.action === 'data' || form.action === 'erase') {
      const limit = await site.limits.take('data-link', subscriber.id, 3, 3600, new Date());
      if (!limit.allowed)
        throw new HttpError(
          429,
          `too many links asked for: try again in ${Math.ceil(limit.retryAfterSeconds / 60)} minutes`,
        );
      // The link is signed (valid an hour) and mailed by the public-mail worker.
      await site.notices.link(subscriber, form.action);
      logger.info('data link sent', { subscriberId: subscriber.id, kind: form.action });
      return html(200, await page(subscriber, action, 'linkSent'));
    }
    const parsed = choices.safeParse(form);
    if (!parsed.success)
      throw new HttpError(
        400,
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    const updated: Subscriber = {
      ...subscriber,
      lang: parsed.data.lang,
      cadence: parsed.data.cadence,
      topics: parsed.data.topics,
      alsoOriginalLanguage: parsed.data.alsoOriginal === 'on',
      updatedAt: new Date().toISOString(),
    };
    await site.subscribers.put(updated);
    logger.info('preferences saved', { subscriberId: subscriber.id });
    return html(200, await page(updated, action, 'prefsSaved'));
  },
  (status, message) =>
    site.page('en', 'prefsTitle', [], {
      trustedHtml: `<p role="alert">${escapeHtml(`${status}: ${message}`)}</p>`,
    }),
);
