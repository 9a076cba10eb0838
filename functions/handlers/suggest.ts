import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { env, readEnv } from '#config/env.ts';
import { HttpError } from '#core/errors.ts';
import { isLanguage, LANGUAGES } from '#core/i18n/languages.ts';
import { articleUrl } from '#core/pages/urls.ts';
import { PublicBudgetSpentError } from '#core/public-mail/budget.ts';
import {
  acceptSuggestion,
  MAX_FRIENDS,
  MAX_NAME,
  MAX_NOTE,
  SuggestionLimitedError,
} from '#core/suggestions/accept.ts';
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
import { metrics } from '#handlers/shared/metrics.ts';
import { siteFromEnv } from '#handlers/shared/site.ts';
import { proofOfWork, suggestionStores } from '#handlers/shared/suggesting.ts';

const site = await siteFromEnv();
const settings = readEnv({
  HERALD_SUGGEST_PER_CLIENT_PER_HOUR: env.HERALD_SUGGEST_PER_CLIENT_PER_HOUR,
  HERALD_SUGGEST_PER_SENDER_PER_HOUR: env.HERALD_SUGGEST_PER_SENDER_PER_HOUR,
  HERALD_SUGGEST_PER_FRIEND_PER_DAY: env.HERALD_SUGGEST_PER_FRIEND_PER_DAY,
  HERALD_SUGGEST_PER_DOMAIN_PER_HOUR: env.HERALD_SUGGEST_PER_DOMAIN_PER_HOUR,
  HERALD_SUGGEST_NOTES: env.HERALD_SUGGEST_NOTES,
  HERALD_PROOF_COST: env.HERALD_PROOF_COST,
});
const stores = suggestionStores(site.config.HERALD_TABLE);
const proofs = proofOfWork(site.config.HERALD_TABLE, site.addressKey, settings.HERALD_PROOF_COST);
const ownOrigin = originOf(site.config.HERALD_PUBLIC_BASE_URL);
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
  proof: z.string().max(4000, 'the proof of work is not valid').optional(),
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
    if (event.requestContext.http.method === 'GET') return proofs.challenge(event, 'suggest');
    refuseCrossSite(event, [ownOrigin]);
    const { body, form } = await readBody(event);
    const parsed = suggestionBody.safeParse(body);
    if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error));
    const input = parsed.data;
    if (input.note && !settings.HERALD_SUGGEST_NOTES)
      throw new HttpError(400, 'notes are switched off on this site: send the suggestion without one');
    await proofs.require(event, input.proof, 'suggest');
    try {
      const { queued } = await acceptSuggestion(
        { articles: stores.articles, limits: site.limits, queue: site.queue },
        {
          addressKey: site.addressKey,
          budget: site.budget,
          limits: {
            perClientPerHour: settings.HERALD_SUGGEST_PER_CLIENT_PER_HOUR,
            perSenderPerHour: settings.HERALD_SUGGEST_PER_SENDER_PER_HOUR,
            perFriendPerDay: settings.HERALD_SUGGEST_PER_FRIEND_PER_DAY,
            perDomainPerHour: settings.HERALD_SUGGEST_PER_DOMAIN_PER_HOUR,
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
        new Date(),
      );
      logger.info('suggestion', { articleId: input.article, lang: input.language, queued });
      metrics.addMetric('suggestionsQueued', MetricUnit.Count, queued);
    } catch (error) {
      if (error instanceof SuggestionLimitedError || error instanceof PublicBudgetSpentError) {
        metrics.addMetric(
          error instanceof PublicBudgetSpentError ? 'publicBudgetSpent' : 'suggestionsLimited',
          MetricUnit.Count,
          1,
        );
        return {
          statusCode: 429,
          ...jsonMessage(error.message, { 'retry-after': String(error.retryAfterSeconds) }),
        };
      }
      throw error;
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
