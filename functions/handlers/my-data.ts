import { siteFromEnv } from '#builders/site.ts';
import { HttpError } from '#core/errors.ts';
import { eraseSubscriber, exportSubscriber } from '#core/subscriptions/lifecycle.ts';
import { verifyToken } from '#core/tokens.ts';
import { type HttpRequest, httpHandler } from '#handlers/shared/http-edge.ts';
import { logger } from '#handlers/shared/logger.ts';

const site = await siteFromEnv();

async function holder(request: HttpRequest, purpose: 'data' | 'erase') {
  const subscriber = await site.subscribers.get(verifyToken(site.tokenKeys, purpose, request.token()));
  if (!subscriber) throw new HttpError(404, 'there is nothing kept about this address');
  return subscriber;
}
const download = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/**
 * `GET /my-data?t=…` downloads everything kept about the reader (JSON); `GET /erase?t=…` shows one
 * button and `POST` erases. Both links are mailed on request, are purpose-bound and live one hour — the
 * preference link itself travels in forwardable mail, so it cannot do either.
 */
export const handler = httpHandler(
  'my-data',
  async (event, request) => {
    if (event.rawPath.startsWith('/my-data')) {
      const body = JSON.stringify(exportSubscriber(await holder(request, 'data')), null, 2);
      const headers = { ...download, 'content-disposition': 'attachment; filename="my-data.json"' };
      return { statusCode: 200, headers, body };
    }
    const subscriber = await holder(request, 'erase');
    if (request.method !== 'POST') {
      const form = { action: request.here(), field: 'erase', value: 'yes', buttonKey: 'eraseButton' };
      return site.ask(subscriber.lang, 'eraseSubject', 'eraseBody', form);
    }
    request.refuseCrossSite();
    const forgotten = await eraseSubscriber(site, site.addressKey, subscriber, new Date());
    logger.info('subscriber erased', { subscriberId: subscriber.id, ...forgotten });
    return site.page(subscriber.lang, 'eraseButton', ['erasedDone']);
  },
  {
    origins: site.origins,
    tokenHint: 'ask for a new link from the preference center',
    errorPage: (status, message) => site.page('en', 'prefsTitle', [], { alert: `${status}: ${message}` }),
  },
);
