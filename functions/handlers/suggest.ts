import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { SesMailer } from '#adapters/ses-mailer.ts';
import { env, readEnv } from '#config/env.ts';
import { HttpError } from '#core/errors.ts';
import { isLanguage, LANGUAGES } from '#core/languages.ts';
import { articleUrl } from '#core/pages/urls.ts';
import {
  MAX_FRIENDS,
  MAX_NAME,
  MAX_NOTE,
  SuggestionLimitedError,
  suggestArticle,
} from '#core/suggestions/suggest.ts';
import {
  type HttpEvent,
  type HttpResult,
  header,
  html,
  jsonMessage,
  readJsonOrForm,
  withHttpErrors,
} from '#handlers/shared/http.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metrics } from '#handlers/shared/metrics.ts';
import { siteFromEnv } from '#handlers/shared/site.ts';
import { suggestionStores } from '#handlers/shared/suggesting.ts';

const site = await siteFromEnv();
const limits = readEnv({
  HERALD_SUGGEST_PER_CLIENT_PER_HOUR: env.HERALD_SUGGEST_PER_CLIENT_PER_HOUR,
  HERALD_SUGGEST_PER_SENDER_PER_HOUR: env.HERALD_SUGGEST_PER_SENDER_PER_HOUR,
  HERALD_SUGGEST_PER_FRIEND_PER_DAY: env.HERALD_SUGGEST_PER_FRIEND_PER_DAY,
});
const stores = suggestionStores(site.config.HERALD_TABLE, site.addressKey);
const mailer = new SesMailer(site.config.HERALD_SES_CONFIGURATION_SET);
const MAX_BODY = 8192;

const oneLine = (field: string, max: number) =>
  z
    .string({ error: `${field} is required` })
    .max(max, `${field} is longer than ${max} characters`)
    .refine((value) => !/[\r\n]/.test(value), `${field} must be on one line`);

const suggestionBody = z.strictObject({
  article: z
    .string({ error: 'article is required' })
    .regex(/^[a-z0-9-]{1,80}$/, 'article is not an article id'),
  language: z.enum(LANGUAGES, { error: 'language must be one of en, zh, fr, es, ru, ar' }),
  senderName: oneLine('senderName', MAX_NAME)
    .refine((v) => v.trim().length > 0, 'senderName is required')
    .refine((v) => !/[<>]/.test(v), 'senderName is plain text: no < or >'),
  senderEmail: oneLine('senderEmail', 320),
  friendEmails: z
    .array(oneLine('each friend address', 320), { error: 'friendEmails must be a list of addresses' })
    .min(1, 'give at least one friend address')
    .max(MAX_FRIENDS, `at most ${MAX_FRIENDS} friend addresses`),
  note: z
    .string()
    .max(MAX_NOTE, `note is longer than ${MAX_NOTE} characters`)
    .refine((v) => !/<\/?[a-z!][^>]*>/i.test(v), 'note is plain text: no HTML')
    .optional(),
  proof: z
    .string({ error: 'proof of work is missing: let the form solve its challenge first' })
    .min(1)
    .max(4000),
});

async function readBody(event: HttpEvent): Promise<{ body: Record<string, unknown>; form: boolean }> {
  const body = await readJsonOrForm(event, MAX_BODY, 'see the README for the fields of POST /api/suggest');
  if (body.kind === 'json') return { body: body.value, form: false };
  const { friendEmail1, friendEmail2, friendEmail3, altcha, note, ...rest } = body.value;
  return {
    body: {
      ...rest,
      friendEmails: [friendEmail1, friendEmail2, friendEmail3].filter((v): v is string => Boolean(v?.trim())),
      ...(note?.trim() ? { note } : {}),
      ...(altcha ? { proof: altcha } : {}),
    },
    form: true,
  };
}

/**
 * `GET /api/suggest/challenge` gives a proof-of-work challenge; `POST /api/suggest` (JSON, or the form on
 * the article page) sends an article to at most three friends. See `suggestArticle` for what makes it
 * useless as a spam relay.
 */
export const handler = withHttpErrors(
  async (event): Promise<HttpResult> => {
    const now = new Date();
    if (event.requestContext.http.method === 'GET') {
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        body: JSON.stringify(await stores.proofs.challenge(now)),
      };
    }
    const { body, form } = await readBody(event);
    const parsed = suggestionBody.safeParse(body);
    if (!parsed.success) {
      throw new HttpError(
        400,
        parsed.error.issues
          .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
          .join('; '),
      );
    }
    const input = parsed.data;
    const proof = await stores.proofs.verify(input.proof, now);
    if (proof !== 'ok') {
      throw new HttpError(
        400,
        proof === 'replayed'
          ? 'this proof of work was already used: solve a new challenge'
          : 'the proof of work is not valid',
      );
    }
    try {
      const { sent } = await suggestArticle(
        {
          articles: stores.articles,
          suppressions: site.suppressions,
          optOuts: stores.optOuts,
          limits: site.limits,
          mailer,
          templates: site.templates,
        },
        {
          from: site.config.HERALD_FROM_ADDRESS,
          publisher: site.config.HERALD_PUBLISHER_NAME,
          publicBaseUrl: site.config.HERALD_PUBLIC_BASE_URL,
          postalAddress: site.config.HERALD_POSTAL_ADDRESS,
          tokenKeys: site.tokenKeys,
          addressKey: site.addressKey,
          limits: {
            perClientPerHour: limits.HERALD_SUGGEST_PER_CLIENT_PER_HOUR,
            perSenderPerHour: limits.HERALD_SUGGEST_PER_SENDER_PER_HOUR,
            perFriendPerDay: limits.HERALD_SUGGEST_PER_FRIEND_PER_DAY,
          },
        },
        {
          articleId: input.article,
          lang: input.language,
          senderName: input.senderName,
          senderEmail: input.senderEmail,
          friendEmails: input.friendEmails,
          note: input.note,
          clientAddress: event.requestContext.http.sourceIp,
        },
        now,
      );
      logger.info('suggestion', {
        articleId: input.article,
        lang: input.language,
        sent,
        asked: input.friendEmails.length,
      });
      metrics.addMetric('suggestions_sent', MetricUnit.Count, sent);
    } catch (error) {
      if (error instanceof SuggestionLimitedError) {
        metrics.addMetric('suggestions_limited', MetricUnit.Count, 1);
        return {
          statusCode: 429,
          ...jsonMessage(error.message, { 'retry-after': String(error.retryAfterSeconds) }),
        };
      }
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
    const t = await site.messagesFor(input.language);
    if (!form) return { statusCode: 202, ...jsonMessage(t('suggestionSent')) };
    const back = articleUrl(site.config.HERALD_PUBLIC_BASE_URL, input.article, input.language);
    return html(
      200,
      await site.page(input.language, 'suggestFormTitle', ['suggestionSent'], {
        trustedHtml: `<p><a href="${site.escape(back)}">${site.escape(t('readMore'))}</a></p>`,
      }),
    );
  },
  async (_status, message, event) => {
    if (/json/i.test(header(event, 'content-type') ?? '') || event.requestContext.http.method === 'GET')
      return jsonMessage(message);
    const lang = isLanguage(event.queryStringParameters?.lang) ? event.queryStringParameters.lang : 'en';
    return site.page(lang, 'suggestFormTitle', [], {
      trustedHtml: `<p role="alert">${site.escape(message)}</p>`,
    });
  },
);
