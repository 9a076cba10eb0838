import { siteFromEnv } from '#builders/site.ts';
import { verifyToken } from '#core/tokens.ts';
import { httpHandler } from '#handlers/shared/http-edge.ts';
import { logger } from '#handlers/shared/logger.ts';

const site = await siteFromEnv();

/**
 * `GET /suggestions/stop?t=…` (the link in every suggestion mail) shows one button; `POST` puts the
 * address's keyed hash on the no-suggestions list. The token holds only that hash, never the address.
 */
export const handler = httpHandler(
  'suggestions-stop',
  async (_event, request) => {
    const hash = verifyToken(site.tokenKeys, 'never-suggest', request.token());
    const { lang } = request;
    if (request.method !== 'POST') {
      const action = `${request.here()}&lang=${lang}`;
      const form = { action, field: 'stop', value: 'yes', buttonKey: 'neverSuggestButton' };
      return site.ask(lang, 'neverSuggestTitle', 'neverSuggestQuestion', form);
    }
    request.refuseCrossSite();
    await site.optOuts.add(hash, 'operator', new Date());
    logger.info('suggestions stopped for an address');
    return site.page(lang, 'neverSuggestTitle', ['neverSuggestDone']);
  },
  {
    origins: site.origins,
    errorPage: (status, message) =>
      site.page('en', 'neverSuggestTitle', [], { alert: `${status}: ${message}` }),
  },
);
