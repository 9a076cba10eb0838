import { HttpError, InvalidTokenError } from '#core/errors.ts';
import { eraseSubscriber, exportSubscriber } from '#core/subscriptions/lifecycle.ts';
import type { Subscriber } from '#core/subscriptions/subscriber.ts';
import { verifyToken } from '#core/tokens.ts';
import { type HttpEvent, html, originOf, refuseCrossSite, withHttpErrors } from '#handlers/shared/http.ts';
import { logger } from '#handlers/shared/logger.ts';
import { siteFromEnv } from '#handlers/shared/site.ts';

const site = await siteFromEnv();

async function holder(
  event: HttpEvent,
  purpose: 'data' | 'erase',
): Promise<{ token: string; subscriber: Subscriber }> {
  const token = event.queryStringParameters?.t;
  if (!token) throw new HttpError(400, 'the link has no token: copy the whole link from the mail');
  try {
    const subscriber = await site.subscribers.get(verifyToken(site.tokenKeys, purpose, token));
    if (!subscriber) throw new HttpError(404, 'there is nothing kept about this address');
    return { token, subscriber };
  } catch (error) {
    if (error instanceof InvalidTokenError) {
      throw new HttpError(400, `${error.message}: ask for a new link from the preference center`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * `GET /my-data?t=…` downloads everything kept about the reader (JSON); `GET /erase?t=…` shows one
 * button and `POST` erases. Both links are mailed on request, are purpose-bound and live one hour — the
 * preference link itself travels in forwardable mail, so it cannot do either.
 */
export const handler = withHttpErrors(
  async (event) => {
    if (event.rawPath.startsWith('/my-data')) {
      const { subscriber } = await holder(event, 'data');
      return {
        statusCode: 200,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-disposition': 'attachment; filename="my-data.json"',
          'cache-control': 'no-store',
        },
        body: JSON.stringify(exportSubscriber(subscriber), null, 2),
      };
    }
    const { token, subscriber } = await holder(event, 'erase');
    if (event.requestContext.http.method === 'POST') {
      refuseCrossSite(event, [originOf(site.config.HERALD_PUBLIC_BASE_URL)]);
      const forgotten = await eraseSubscriber(site, site.addressKey, subscriber, new Date());
      logger.info('subscriber erased', { subscriberId: subscriber.id, ...forgotten });
      return html(200, await site.page(subscriber.lang, 'eraseButton', ['erasedDone']));
    }
    const t = await site.messagesFor(subscriber.lang);
    return html(
      200,
      await site.page(subscriber.lang, 'eraseSubject', ['eraseBody'], {
        form: {
          action: `${event.rawPath}?t=${encodeURIComponent(token)}`,
          field: 'erase',
          value: 'yes',
          button: t('eraseButton'),
        },
      }),
    );
  },
  (status, message) =>
    site.page('en', 'prefsTitle', [], {
      trustedHtml: `<p role="alert">${site.escape(`${status}: ${message}`)}</p>`,
    }),
);
