import { verifyToken } from '#core/tokens.ts';
import { html, originOf, refuseCrossSite } from '#handlers/shared/http.ts';
import { httpHandler } from '#handlers/shared/http-edge.ts';
import { logger } from '#handlers/shared/logger.ts';
import { siteFromEnv } from '#handlers/shared/site.ts';
import { suggestionStores } from '#handlers/shared/suggesting.ts';

const site = await siteFromEnv();
const { optOuts } = suggestionStores(site.config.HERALD_TABLE);
const ownOrigin = originOf(site.config.HERALD_PUBLIC_BASE_URL);

/**
 * `GET /suggestions/stop?t=…` (the link in every suggestion mail) shows one button; `POST` puts the
 * address's keyed hash on the no-suggestions list. The token holds only that hash, never the address.
 */
export const handler = httpHandler(
  'suggestions-stop',
  async (event, request) => {
    const token = request.token();
    const hash = verifyToken(site.tokenKeys, 'never-suggest', token);
    const { lang } = request;
    if (request.method === 'POST') {
      refuseCrossSite(event, [ownOrigin]);
      await optOuts.add(hash, 'operator', new Date());
      logger.info('suggestions stopped for an address');
      return html(200, await site.page(lang, 'neverSuggestTitle', ['neverSuggestDone']));
    }
    const t = await site.messagesFor(lang);
    const action = `${event.rawPath}?t=${encodeURIComponent(token)}&lang=${lang}`;
    const form = { action, field: 'stop', value: 'yes', button: t('neverSuggestButton') };
    return html(200, await site.page(lang, 'neverSuggestTitle', ['neverSuggestQuestion'], { form }));
  },
  {
    errorPage: (status, message) =>
      site.page('en', 'neverSuggestTitle', [], { alert: `${status}: ${message}` }),
  },
);
