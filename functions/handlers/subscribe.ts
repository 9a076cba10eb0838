import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { env, readEnv } from '#config/env.ts';
import { HttpError } from '#core/errors.ts';
import { isLanguage, LANGUAGES, type Language, nativeName } from '#core/i18n/languages.ts';
import { PublicBudgetSpentError } from '#core/public-mail/budget.ts';
import { acceptSubscription, ClientLimitedError } from '#core/subscriptions/subscribe.ts';
import { CADENCES } from '#core/subscriptions/subscriber.ts';
import {
  describeIssues,
  type HttpEvent,
  type HttpResult,
  header,
  html,
  jsonMessage,
  originOf,
  readJsonOrForm,
  refuseCrossSite,
  withHttpErrors,
} from '#handlers/shared/http.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metricName, metrics } from '#handlers/shared/metrics.ts';
import { siteFromEnv } from '#handlers/shared/site.ts';
import { proofOfWork } from '#handlers/shared/suggesting.ts';

const site = await siteFromEnv();
const { config, escape: escapeHtml } = site;
const settings = readEnv({
  HERALD_PROOF_COST: env.HERALD_PROOF_COST,
  HERALD_SUBSCRIBE_PROOF: env.HERALD_SUBSCRIBE_PROOF,
});
const proofs = proofOfWork(config.HERALD_TABLE, site.addressKey, settings.HERALD_PROOF_COST);
const ownOrigin = originOf(config.HERALD_PUBLIC_BASE_URL);
/** Whether a request through this door must carry a proof of work. */
const proofRequired = (api: boolean) =>
  settings.HERALD_SUBSCRIBE_PROOF === 'all' || (settings.HERALD_SUBSCRIBE_PROOF === 'page' && !api);
const MAX_BODY = 8192;

const subscribeBody = z.strictObject({
  email: z.string({ error: 'email is required' }).max(320, 'email is longer than 320 characters'),
  language: z.enum(LANGUAGES, { error: 'language must be one of en, zh, fr, es, ru, ar' }),
  cadence: z.enum(CADENCES, { error: 'cadence must be immediate, daily or weekly' }).default('immediate'),
  topics: z
    .array(
      z
        .string()
        .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]{0,39}$/u, 'each topic is a word or two, up to 40 characters'),
    )
    .max(10, 'at most 10 topics')
    .default([]),
  website: z.string().max(200).optional(),
  proof: z.string().max(4000, 'the proof of work is not valid').optional(),
});

function corsHeaders(event: HttpEvent): Record<string, string> {
  const origin = header(event, 'origin');
  return origin && config.HERALD_CORS_ORIGINS.includes(origin)
    ? {
        'access-control-allow-origin': origin,
        vary: 'Origin',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type',
      }
    : {};
}

async function readBody(event: HttpEvent): Promise<Record<string, unknown>> {
  const body = await readJsonOrForm(event, MAX_BODY, 'send {"email", "language", "cadence", "topics"}');
  if (body.kind === 'json') return body.value;
  const { altcha, ...fields } = body.value;
  const topics = fields.topics
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return { ...fields, ...(topics ? { topics } : {}), ...(altcha ? { proof: altcha } : {}) };
}

async function subscribePage(lang: Language, notice?: string): Promise<string> {
  const t = await site.messagesFor(lang);
  const switcher = LANGUAGES.map((code) =>
    code === lang
      ? `<strong lang="${code}">${escapeHtml(nativeName(code))}</strong>`
      : `<a href="?lang=${code}" lang="${code}" hreflang="${code}">${escapeHtml(nativeName(code))}</a>`,
  ).join(' · ');
  const cadenceLabel = {
    immediate: 'cadenceImmediate',
    daily: 'cadenceDaily',
    weekly: 'cadenceWeekly',
  } as const;
  const form = notice
    ? `<p role="status">${escapeHtml(notice)}</p>`
    : `<form method="post" action="/subscribe?lang=${lang}">
<input type="hidden" name="language" value="${lang}">
<p><label for="email">${escapeHtml(t('emailLabel'))}</label><br><input id="email" name="email" type="email" required maxlength="254" autocomplete="email" dir="ltr"></p>
<fieldset><legend>${escapeHtml(t('prefsCadence'))}</legend>
${CADENCES.map((c, i) => `<label><input type="radio" name="cadence" value="${c}"${i === 0 ? ' checked' : ''}> ${escapeHtml(t(cadenceLabel[c]))}</label><br>`).join('\n')}
</fieldset>
<div aria-hidden="true" style="position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap;"><label for="website">Website</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
${proofRequired(false) ? `<altcha-widget challenge="/api/subscribe/challenge" language="${lang}" auto="onsubmit"></altcha-widget>` : ''}
<p><button type="submit">${escapeHtml(t('subscribeButton'))}</button></p>
</form>`;
  return site.page(lang, 'subscribeTitle', ['subscribeIntro'], {
    scripts: notice || !proofRequired(false) ? [] : ['/assets/altcha.js'],
    trustedHtml: `<nav aria-label="${escapeHtml(t('prefsLanguage'))}"><p>${switcher}</p></nav>\n${form}`,
  });
}

/**
 * `GET /subscribe?lang=xx` shows the form; `POST /subscribe` (the form) and `POST /api/subscribe` (JSON or
 * a form, for embedded forms) ask for a subscription. The answer is the same neutral message whatever
 * becomes of the address; only too many requests from one client answer 429.
 */
/** The page, with Herald's own proof-of-work widget when the form needs a proof. */
function subscribeHtml(page: string): HttpResult {
  const result = html(200, page);
  if (!proofRequired(false)) return result;
  return {
    ...result,
    headers: {
      ...result.headers,
      'content-security-policy':
        "default-src 'none'; script-src 'self'; worker-src 'self' data: blob:; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'",
    },
  };
}

/**
 * `GET /subscribe?lang=xx` shows the form; `POST /subscribe` (the form) and `POST /api/subscribe` (JSON or
 * a form, for embedded forms) ask for a subscription; `GET /api/subscribe/challenge` gives a proof-of-work
 * challenge. The request is only queued here, so the answer — the same neutral message — takes the same
 * time whatever becomes of the address; only the client's limit and the public-mail budget answer 429.
 */
export const handler = withHttpErrors(
  async (event): Promise<HttpResult> => {
    const method = event.requestContext.http.method;
    const api = event.rawPath.startsWith('/api/');
    const pageLang = isLanguage(event.queryStringParameters?.lang) ? event.queryStringParameters.lang : 'en';
    if (method === 'OPTIONS') return { statusCode: 204, headers: corsHeaders(event) };
    if (method === 'GET' && event.rawPath.endsWith('/challenge')) return proofs.challenge(event, 'subscribe');
    if (method === 'GET' && !api) return subscribeHtml(await subscribePage(pageLang));
    if (method !== 'POST') throw new HttpError(405, 'use POST to subscribe');
    refuseCrossSite(event, api ? [ownOrigin, ...config.HERALD_CORS_ORIGINS] : [ownOrigin]);

    const parsed = subscribeBody.safeParse(await readBody(event));
    if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error));
    const { email, language, cadence, topics, website, proof } = parsed.data;
    if (proofRequired(api) || proof) await proofs.require(event, proof, 'subscribe');
    try {
      const outcome = await acceptSubscription(
        site,
        { perClientPerHour: config.HERALD_SUBSCRIBE_PER_CLIENT_PER_HOUR, budget: site.budget },
        {
          email,
          lang: language,
          cadence,
          topics,
          honeypot: website,
          clientAddress: event.requestContext.http.sourceIp,
          source: api ? 'api' : 'page',
        },
        new Date(),
      );
      logger.info('subscribe request', { outcome });
      if (outcome !== 'queued') metrics.addMetric(metricName('subscribe', outcome), MetricUnit.Count, 1);
    } catch (error) {
      if (error instanceof ClientLimitedError || error instanceof PublicBudgetSpentError) {
        metrics.addMetric(
          error instanceof ClientLimitedError ? 'subscribeClientLimited' : 'publicBudgetSpent',
          MetricUnit.Count,
          1,
        );
        return {
          statusCode: 429,
          headers: {
            'retry-after': String(error.retryAfterSeconds),
            'content-type': 'application/json',
            ...corsHeaders(event),
          },
          body: JSON.stringify({ message: error.message, retryAfterSeconds: error.retryAfterSeconds }),
        };
      }
      throw error;
    }
    const t = await site.messagesFor(language);
    if (api) {
      return {
        statusCode: 202,
        headers: { 'content-type': 'application/json', ...corsHeaders(event) },
        body: JSON.stringify({ message: t('subscribeNeutral') }),
      };
    }
    return html(200, await subscribePage(language, t('subscribeNeutral')));
  },
  async (_status, message, event) => {
    if (event.rawPath.startsWith('/api/')) return jsonMessage(message, corsHeaders(event));
    const lang = isLanguage(event.queryStringParameters?.lang) ? event.queryStringParameters.lang : 'en';
    const t = await site.messagesFor(lang);
    return site.page(lang, 'subscribeTitle', [], {
      trustedHtml: `<p role="alert">${escapeHtml(message)}</p><p><a href="/subscribe?lang=${lang}">${escapeHtml(t('subscribeButton'))}</a></p>`,
    });
  },
);
