import { HttpError, InvalidTokenError } from '#core/errors.ts';
import { isLanguage } from '#core/i18n/languages.ts';
import { verifyToken } from '#core/tokens.ts';
import { html, originOf, refuseCrossSite, withHttpErrors } from '#handlers/shared/http.ts';
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
export const handler = withHttpErrors(
  async (event) => {
    const token = event.queryStringParameters?.t;
    if (!token) throw new HttpError(400, 'the link has no token: copy the whole link from the mail');
    let hash: string;
    try {
      hash = verifyToken(site.tokenKeys, 'never-suggest', token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new HttpError(400, error.message, { cause: error });
      throw error;
    }
    const lang = isLanguage(event.queryStringParameters?.lang) ? event.queryStringParameters.lang : 'en';
    if (event.requestContext.http.method === 'POST') {
      refuseCrossSite(event, [ownOrigin]);
      await optOuts.add(hash, 'operator', new Date());
      logger.info('suggestions stopped for an address');
      return html(200, await site.page(lang, 'neverSuggestTitle', ['neverSuggestDone']));
    }
    const t = await site.messagesFor(lang);
    return html(
      200,
      await site.page(lang, 'neverSuggestTitle', ['neverSuggestQuestion'], {
        form: {
          action: `${event.rawPath}?t=${encodeURIComponent(token)}&lang=${lang}`,
          field: 'stop',
          value: 'yes',
          button: t('neverSuggestButton'),
        },
      }),
    );
  },
  (status, message) =>
    site.page('en', 'neverSuggestTitle', [], {
      trustedHtml: `<p role="alert">${site.escape(`${status}: ${message}`)}</p>`,
    }),
);
