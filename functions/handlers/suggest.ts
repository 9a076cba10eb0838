import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { siteFromEnv } from '#builders/site.ts';
import { suggestionsFromEnv } from '#builders/suggestions.ts';
import { HttpError } from '#core/errors.ts';
import { articleUrl } from '#core/pages/urls.ts';
import { PublicBudgetSpentError } from '#core/public-mail/budget.ts';
import { acceptSuggestion } from '#core/suggestions/accept.ts';
import { readSuggestionBody } from '#handlers/shared/bodies.ts';
import { header, jsonMessage } from '#handlers/shared/http.ts';
import { httpHandler, languageOf } from '#handlers/shared/http-edge.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metrics } from '#handlers/shared/metrics.ts';
import { proofOfWork } from '#handlers/shared/proof-of-work.ts';

const site = await siteFromEnv();
const suggestions = suggestionsFromEnv(site);
const proofs = proofOfWork(site.config.HERALD_TABLE, site.addressKey, suggestions.proofCost);

/**
 * `GET /api/suggest/challenge` gives a proof-of-work challenge; `POST /api/suggest` (JSON, or the form on
 * the article page) sends an article to at most three friends. See `suggestArticle` for what makes it
 * useless as a spam relay.
 */
export const handler = httpHandler(
  'suggest',
  async (event, request) => {
    if (request.method === 'GET') return proofs.challenge(event, 'suggest');
    request.refuseCrossSite();
    const { input, form } = await readSuggestionBody(request);
    if (input.note && !suggestions.notes)
      throw new HttpError(400, 'notes are switched off on this site: send the suggestion without one');
    await proofs.require(event, input.proof, 'suggest');
    const { article: articleId, language: lang, proof: _, ...from } = input;
    const suggestion = { articleId, lang, ...from, clientAddress: request.client };
    const { queued } = await acceptSuggestion(site, suggestions.accepting, suggestion, new Date());
    logger.info('suggestion', { articleId, lang, queued });
    metrics.addMetric('suggestionsQueued', MetricUnit.Count, queued);
    const t = await site.messagesFor(lang);
    if (!form) return { statusCode: 202, ...jsonMessage(t('suggestionSent')) };
    const link = {
      href: articleUrl(site.config.HERALD_PUBLIC_BASE_URL, articleId, lang),
      text: t('readMore'),
    };
    return site.page(lang, 'suggestFormTitle', ['suggestionSent'], { link });
  },
  {
    origins: site.origins,
    onLimited: (error) => {
      const spent = error instanceof PublicBudgetSpentError;
      metrics.addMetric(spent ? 'publicBudgetSpent' : 'suggestionsLimited', MetricUnit.Count, 1);
    },
    errorPage: (_status, message, event) =>
      /json/i.test(header(event, 'content-type') ?? '') || event.requestContext.http.method === 'GET'
        ? jsonMessage(message)
        : site.page(languageOf(event), 'suggestFormTitle', [], { alert: message }),
  },
);
