import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { siteFromEnv } from '#builders/site.ts';
import { env, readEnv } from '#config/env.ts';
import { HttpError } from '#core/errors.ts';
import type { Language } from '#core/i18n/languages.ts';
import { proofRequired, subscribeView } from '#core/pages/views.ts';
import { acceptSubscription, ClientLimitedError } from '#core/subscriptions/subscribe.ts';
import { readSubscribeBody } from '#handlers/shared/bodies.ts';
import { corsHeaders, html, jsonMessage, WIDGET_POLICY } from '#handlers/shared/http.ts';
import { httpHandler, languageOf } from '#handlers/shared/http-edge.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metricName, metrics } from '#handlers/shared/metrics.ts';
import { proofOfWork } from '#handlers/shared/proof-of-work.ts';

const site = await siteFromEnv();
const { config } = site;
const settings = readEnv({
  HERALD_PROOF_COST: env.HERALD_PROOF_COST,
  HERALD_SUBSCRIBE_PROOF: env.HERALD_SUBSCRIBE_PROOF,
});
const proofs = proofOfWork(config.HERALD_TABLE, site.addressKey, settings.HERALD_PROOF_COST);
const policy = settings.HERALD_SUBSCRIBE_PROOF;
const limits = { perClientPerHour: config.HERALD_SUBSCRIBE_PER_CLIENT_PER_HOUR, budget: site.budget };

/** The subscribe page: the form, or the neutral notice once asked. */
async function subscribePage(lang: Language, notice?: string) {
  const proof = proofRequired(policy, 'page');
  const page = await site.pages(
    'subscribe',
    subscribeView(lang, await site.messagesFor(lang), proof, notice),
  );
  return proof ? html(200, page, WIDGET_POLICY) : html(200, page);
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
    const door = api ? 'api' : 'page';
    if (method === 'OPTIONS') return { statusCode: 204 };
    if (method === 'GET' && event.rawPath.endsWith('/challenge')) return proofs.challenge(event, 'subscribe');
    if (method === 'GET' && !api) return subscribePage(request.lang);
    if (method !== 'POST') throw new HttpError(405, 'use POST to subscribe');
    request.refuseCrossSite(api ? config.HERALD_CORS_ORIGINS : []);
    const { ask, proof } = await readSubscribeBody(request);
    if (proofRequired(policy, door) || proof) await proofs.require(event, proof, 'subscribe');
    const outcome = await acceptSubscription(site, limits, { ...ask, source: door }, new Date());
    logger.info('subscribe request', { outcome });
    if (outcome !== 'queued') metrics.addMetric(metricName('subscribe', outcome), MetricUnit.Count, 1);
    const neutral = (await site.messagesFor(ask.lang))('subscribeNeutral');
    return api ? { statusCode: 202, ...jsonMessage(neutral) } : subscribePage(ask.lang, neutral);
  },
  {
    origins: site.origins,
    headers: (event) => corsHeaders(event, config.HERALD_CORS_ORIGINS),
    onLimited: (error) =>
      metrics.addMetric(
        error instanceof ClientLimitedError ? 'subscribeClientLimited' : 'publicBudgetSpent',
        MetricUnit.Count,
        1,
      ),
    errorPage: async (_status, message, event) => {
      if (event.rawPath.startsWith('/api/')) return jsonMessage(message);
      const lang = languageOf(event);
      return site.page(lang, 'subscribeTitle', [], { alert: message, link: await site.subscribeLink(lang) });
    },
  },
);
