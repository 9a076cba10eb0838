import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { loadTokenKeys } from '#adapters/token-keys.ts';
import { env, readEnv } from '#config/env.ts';
import { HttpError, InvalidTokenError } from '#core/errors.ts';
import type { Language } from '#core/i18n/languages.ts';
import { formatMessage, loadMessages } from '#core/i18n/messages.ts';
import { renderPage } from '#core/pages/page.ts';
import { resubscribeByToken, undoToken } from '#core/subscriptions/lifecycle.ts';
import { unsubscribeByToken } from '#core/subscriptions/manage.ts';
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

const config = readEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_PUBLISHER_NAME: env.HERALD_PUBLISHER_NAME,
  HERALD_TEMPLATES_DIR: env.HERALD_TEMPLATES_DIR,
  HERALD_TOKEN_KEYS: env.HERALD_TOKEN_KEYS,
  HERALD_TOKEN_KEYS_SECRET_ARN: env.HERALD_TOKEN_KEYS_SECRET_ARN,
});
const subscribers = new DynamoSubscriberStore(config.HERALD_TABLE);
const templates = new FileTemplateSource(config.HERALD_TEMPLATES_DIR);
const tokenKeys = await loadTokenKeys(config);
const publisher = config.HERALD_PUBLISHER_NAME;

/** A page in the reader's language, optionally with one button posting `field=value` back here. */
async function page(
  lang: Language,
  titleKey: string,
  textKey: string,
  form?: { action: string; field: string; value: string; button: string },
) {
  const messages = await loadMessages(templates, lang);
  const t = (key: string) => formatMessage(messages, lang, key, { publisher });
  return renderPage({
    lang,
    title: t(titleKey),
    paragraphs: [t(textKey)],
    form: form && { ...form, button: t(form.button) },
  });
}

function tokenOf(event: HttpEvent): string {
  const token = event.queryStringParameters?.t;
  if (!token) throw new HttpError(400, 'the link has no token: copy the whole link from the mail');
  return token;
}

/**
 * `GET /unsubscribe?t=…` shows one button and changes nothing (link scanners only GET).
 * `POST /unsubscribe?t=…` with `List-Unsubscribe=One-Click` (RFC 8058) unsubscribes at once: 200. The page
 * that follows offers an undo (`undo=1`), which brings back only a reader who unsubscribed.
 */
export const handler = withHttpErrors(
  async (event) => {
    const token = tokenOf(event);
    const now = new Date();
    const action = `${event.rawPath}?t=${encodeURIComponent(token)}`;
    try {
      if (event.requestContext.http.method === 'POST') {
        const form = await readForm(event);
        const undo = form.get('undo');
        if (undo !== undefined) {
          // Undo is the page's own button: never from another site. (The one-click POST below comes
          // from mail providers' servers, with no such headers, and carries its own token.)
          refuseCrossSite(event, [originOf(config.HERALD_PUBLIC_BASE_URL)]);
          const subscriber = await resubscribeByToken(subscribers, tokenKeys, undo, now);
          logger.info('unsubscribe undone', { subscriberId: subscriber?.id ?? 'unknown' });
          return html(200, await page(subscriber?.lang ?? 'en', 'welcomeHeading', 'resubscribed'));
        }
        if (form.get('List-Unsubscribe') !== 'One-Click') {
          throw new HttpError(400, 'the body must be List-Unsubscribe=One-Click');
        }
        const subscriber = await unsubscribeByToken(subscribers, tokenKeys, token, now);
        logger.info('unsubscribed', { subscriberId: subscriber?.id ?? 'unknown' });
        // The undo button carries a token of its own, valid a few minutes, shown on this page only.
        return html(
          200,
          await page(
            subscriber?.lang ?? 'en',
            'unsubscribeTitle',
            'unsubscribedDone',
            subscriber && {
              action,
              field: 'undo',
              value: undoToken(tokenKeys, subscriber.id, now),
              button: 'undoUnsubscribe',
            },
          ),
        );
      }
      const subscriber = await subscribers.get(verifyToken(tokenKeys, 'unsubscribe', token, now));
      return html(
        200,
        await page(subscriber?.lang ?? 'en', 'unsubscribeTitle', 'unsubscribeQuestion', {
          action,
          field: 'List-Unsubscribe',
          value: 'One-Click',
          button: 'unsubscribeButton',
        }),
      );
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new HttpError(400, error.message, { cause: error });
      throw error;
    }
  },
  (status, message) =>
    renderPage({
      lang: 'en',
      title: status >= 500 ? 'Server error' : 'Request not accepted',
      paragraphs: [message],
    }),
);
