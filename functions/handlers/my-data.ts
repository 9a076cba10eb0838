import { HttpError } from '#core/errors.ts';
import { eraseSubscriber, exportSubscriber } from '#core/subscriptions/lifecycle.ts';
import { verifyToken } from '#core/tokens.ts';
import { html, originOf, refuseCrossSite } from '#handlers/shared/http.ts';
import { type HttpRequest, httpHandler } from '#handlers/shared/http-edge.ts';
import { logger } from '#handlers/shared/logger.ts';
import { siteFromEnv } from '#handlers/shared/site.ts';

const site = await siteFromEnv();

async function holder(request: HttpRequest, purpose: 'data' | 'erase') {
  const subscriber = await site.subscribers.get(verifyToken(site.tokenKeys, purpose, request.token()));
  if (!subscriber) throw new HttpError(404, 'there is nothing kept about this address');
  return subscriber;
}

/**
 * `GET /my-data?t=…` downloads everything kept about the reader (JSON); `GET /erase?t=…` shows one
 * button and `POST` erases. Both links are mailed on request, are purpose-bound and live one hour — the
 * preference link itself travels in forwardable mail, so it cannot do either.
 */
export const handler = httpHandler(
  'my-data',
  async (event, request) => {
    if (event.rawPath.startsWith('/my-data')) {
      const subscriber = await holder(request, 'data');
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
    const subscriber = await holder(request, 'erase');
    if (request.method === 'POST') {
      refuseCrossSite(event, [originOf(site.config.HERALD_PUBLIC_BASE_URL)]);
      const forgotten = await eraseSubscriber(site, site.addressKey, subscriber, new Date());
      logger.info('subscriber erased', { subscriberId: subscriber.id, ...forgotten });
      return html(200, await site.page(subscriber.lang, 'eraseButton', ['erasedDone']));
    }
    const t = await site.messagesFor(subscriber.lang);
    const action = `${event.rawPath}?t=${encodeURIComponent(request.token())}`;
    const form = { action, field: 'erase', value: 'yes', button: t('eraseButton') };
    return html(200, await site.page(subscriber.lang, 'eraseSubject', ['eraseBody'], { form }));
  },
  {
    tokenHint: 'ask for a new link from the preference center',
    errorPage: (status, message) => site.page('en', 'prefsTitle', [], { alert: `${status}: ${message}` }),
  },
);
