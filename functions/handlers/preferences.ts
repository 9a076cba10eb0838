import Handlebars from 'handlebars';
import { z } from 'zod';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { loadTokenKeys } from '#adapters/token-keys.ts';
import { env, readEnv } from '#config/env.ts';
import { formatMessage, loadMessages } from '#core/digests/messages.ts';
import { HttpError, InvalidTokenError } from '#core/errors.ts';
import { LANGUAGES, nativeName } from '#core/languages.ts';
import { renderPage } from '#core/pages/page.ts';
import { personalLinks } from '#core/subscriptions/links.ts';
import { CADENCES, type Subscriber } from '#core/subscriptions/subscriber.ts';
import { verifyToken } from '#core/tokens.ts';
import { type HttpEvent, html, readForm, withHttpErrors } from '#handlers/shared/http.ts';
import { logger } from '#handlers/shared/logger.ts';

const config = readEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_TEMPLATES_DIR: env.HERALD_TEMPLATES_DIR,
  HERALD_TOKEN_KEYS: env.HERALD_TOKEN_KEYS,
  HERALD_TOKEN_KEYS_SECRET_ARN: env.HERALD_TOKEN_KEYS_SECRET_ARN,
});
const subscribers = new DynamoSubscriberStore(config.HERALD_TABLE);
const templates = new FileTemplateSource(config.HERALD_TEMPLATES_DIR);
const tokenKeys = await loadTokenKeys(config);
const escapeHtml = Handlebars.escapeExpression;

const choices = z.object({
  lang: z.enum(LANGUAGES, { error: 'choose one of the six languages' }),
  cadence: z.enum(CADENCES, { error: 'choose immediate, daily or weekly' }),
  alsoOriginal: z.enum(['on']).optional(),
});

async function subscriberFor(event: HttpEvent): Promise<Subscriber> {
  const token = event.queryStringParameters?.t;
  if (!token) throw new HttpError(400, 'the link has no token: copy the whole link from the mail');
  try {
    const subscriber = await subscribers.get(verifyToken(tokenKeys, 'preferences', token));
    if (!subscriber || subscriber.status === 'suppressed')
      throw new HttpError(404, 'this subscription no longer exists');
    return subscriber;
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new HttpError(400, error.message, { cause: error });
    throw error;
  }
}

async function page(subscriber: Subscriber, action: string, saved: boolean): Promise<string> {
  const { lang } = subscriber;
  const messages = await loadMessages(templates, lang);
  const t = (key: string) => escapeHtml(formatMessage(messages, lang, key));
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
      `<label><input type="radio" name="cadence" value="${cadence}"${cadence === subscriber.cadence ? ' checked' : ''}> ${t(cadenceLabel[cadence])}</label><br>`,
  ).join('\n');
  const { unsubscribeUrl } = personalLinks(config.HERALD_PUBLIC_BASE_URL, tokenKeys, subscriber.id);
  return renderPage({
    lang,
    title: formatMessage(messages, lang, 'prefsTitle'),
    paragraphs: saved ? [formatMessage(messages, lang, 'prefsSaved')] : [],
    trustedHtml: `<form method="post" action="${escapeHtml(action)}">
<p><label for="lang">${t('prefsLanguage')}</label><br><select id="lang" name="lang">${languageOptions}</select></p>
<fieldset><legend>${t('prefsCadence')}</legend>
${cadenceOptions}
</fieldset>
<p><label><input type="checkbox" name="alsoOriginal"${subscriber.alsoOriginalLanguage ? ' checked' : ''}> ${t('prefsAlsoOriginal')}</label></p>
<p><button type="submit">${t('prefsSave')}</button></p>
</form>
<p><a href="${escapeHtml(unsubscribeUrl)}">${t('unsubscribe')}</a></p>`,
  });
}

/** `GET|POST /preferences?t=…`: the preference center a token link in every mail opens. */
export const handler = withHttpErrors(
  async (event) => {
    const subscriber = await subscriberFor(event);
    const action = `${event.rawPath}?t=${encodeURIComponent(event.queryStringParameters?.t ?? '')}`;
    if (event.requestContext.http.method !== 'POST') return html(200, await page(subscriber, action, false));
    const parsed = choices.safeParse(Object.fromEntries(await readForm(event)));
    if (!parsed.success)
      throw new HttpError(
        400,
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    const updated: Subscriber = {
      ...subscriber,
      lang: parsed.data.lang,
      cadence: parsed.data.cadence,
      alsoOriginalLanguage: parsed.data.alsoOriginal === 'on',
      updatedAt: new Date().toISOString(),
    };
    await subscribers.put(updated);
    logger.info('preferences saved', { subscriberId: subscriber.id });
    return html(200, await page(updated, action, true));
  },
  (status, message) =>
    renderPage({
      lang: 'en',
      title: status >= 500 ? 'Server error' : 'Request not accepted',
      paragraphs: [message],
    }),
);
