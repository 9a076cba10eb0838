import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { env, readEnv } from '#config/env.ts';
import { HttpError } from '#core/errors.ts';
import type { Language } from '#core/i18n/languages.ts';
import { cadenceChoices, languageChoices } from '#core/pages/choices.ts';
import { acceptSubscription, ClientLimitedError } from '#core/subscriptions/subscribe.ts';
import { readSubscribeBody } from '#handlers/shared/bodies.ts';
import {
  corsHeaders,
  type HttpEvent,
  html,
  jsonMessage,
  originOf,
  refuseCrossSite,
  WIDGET_POLICY,
} from '#handlers/shared/http.ts';
import { httpHandler, languageOf } from '#handlers/shared/http-edge.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metricName, metrics } from '#handlers/shared/metrics.ts';
import { siteFromEnv } from '#handlers/shared/site.ts';
import { proofOfWork } from '#handlers/shared/suggesting.ts';

const site = await siteFromEnv();
const { config } = site;
const settings = readEnv({
  HERALD_PROOF_COST: env.HERALD_PROOF_COST,
  HERALD_SUBSCRIBE_PROOF: env.HERALD_SUBSCRIBE_PROOF,
});
const proofs = proofOfWork(config.HERALD_TABLE, site.addressKey, settings.HERALD_PROOF_COST);
const ownOrigin = originOf(config.HERALD_PUBLIC_BASE_URL);
/** Whether a request through this door must carry a proof of work. */
const proofRequired = (api: boolean) =>
  settings.HERALD_SUBSCRIBE_PROOF === 'all' || (settings.HERALD_SUBSCRIBE_PROOF === 'page' && !api);
const cors = (event: HttpEvent) => corsHeaders(event, config.HERALD_CORS_ORIGINS);

/** The subscribe page: the form (with Herald's own proof-of-work widget when it needs a proof), or the notice. */
async function subscribePage(lang: Language, notice?: string) {
  const t = await site.messagesFor(lang);
  const proof = !notice && proofRequired(false);
  const view = { lang, t, title: t('subscribeTitle'), paragraphs: [t('subscribeIntro')], notice, proof };
  const page = await site.pages('subscribe', {
    ...{ ...view, languages: languageChoices(lang), cadences: cadenceChoices(t) },
    scripts: proof ? ['/assets/altcha.js'] : [],
  });
  return proofRequired(false) ? html(200, page, WIDGET_POLICY) : html(200, page);
}

/**
 * `GET /subscribe?lang=xx` shows the form; `POST /subscribe` (the form) and `POST /api/subscribe` (JSON or
 * a form, for embedded forms) ask for a subscription; `GET /api/subscribe/challenge` gives a proof-of-work
 * challenge. The request is only queued here, so the answer — the same neutral message — takes the same
 * time whatever becomes of the address; only the client's limit and the public-mail budget answer 429.
 */
export const handler = httpHandler(
  'subscribe',
  async (event, request) => {
    const { method } = request;
    const api = event.rawPath.startsWith('/api/');
    if (method === 'OPTIONS') return { statusCode: 204 };
    if (method === 'GET' && event.rawPath.endsWith('/challenge')) return proofs.challenge(event, 'subscribe');
    if (method === 'GET' && !api) return subscribePage(request.lang);
    if (method !== 'POST') throw new HttpError(405, 'use POST to subscribe');
    refuseCrossSite(event, api ? [ownOrigin, ...config.HERALD_CORS_ORIGINS] : [ownOrigin]);
    const { email, language, cadence, topics, website, proof } = await readSubscribeBody(request);
    if (proofRequired(api) || proof) await proofs.require(event, proof, 'subscribe');
    const limits = { perClientPerHour: config.HERALD_SUBSCRIBE_PER_CLIENT_PER_HOUR, budget: site.budget };
    const clientAddress = event.requestContext.http.sourceIp;
    const ask = {
      email,
      lang: language,
      cadence,
      topics,
      honeypot: website,
      clientAddress,
      source: api ? 'api' : 'page',
    } as const;
    const outcome = await acceptSubscription(site, limits, ask, new Date());
    logger.info('subscribe request', { outcome });
    if (outcome !== 'queued') metrics.addMetric(metricName('subscribe', outcome), MetricUnit.Count, 1);
    const neutral = (await site.messagesFor(language))('subscribeNeutral');
    if (api) return { statusCode: 202, ...jsonMessage(neutral) };
    return subscribePage(language, neutral);
  },
  {
    headers: cors,
    onLimited: (error) =>
      metrics.addMetric(
        error instanceof ClientLimitedError ? 'subscribeClientLimited' : 'publicBudgetSpent',
        MetricUnit.Count,
        1,
      ),
    errorPage: async (_status, message, event) => {
      if (event.rawPath.startsWith('/api/')) return jsonMessage(message);
      const lang = languageOf(event);
      const t = await site.messagesFor(lang);
      const link = { href: `/subscribe?lang=${lang}`, text: t('subscribeButton') };
      return site.page(lang, 'subscribeTitle', [], { alert: message, link });
    },
  },
);
