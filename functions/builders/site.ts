import type { z } from 'zod';
import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { DynamoReaderHistory } from '#adapters/dynamodb-reader-history.ts';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { DynamoRateLimiter, DynamoSuppressionList } from '#adapters/dynamodb-suppressions.ts';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { SqsPublicMailQueue } from '#adapters/sqs-send-queue.ts';
import { loadAddressKey, loadTokenKeys } from '#adapters/token-keys.ts';
import { env, readEnv } from '#config/env.ts';
import type { Language } from '#core/i18n/languages.ts';
import { formatMessage, loadMessages } from '#core/i18n/messages.ts';
import { type PageView, pageRenderer } from '#core/pages/render.ts';
import { QueuedNotices } from '#core/public-mail/queued-notices.ts';

const pageSettings = {
  HERALD_PUBLISHER_NAME: env.HERALD_PUBLISHER_NAME,
  HERALD_TEMPLATES_DIR: env.HERALD_TEMPLATES_DIR,
};

/** The origins whose pages may post Herald's forms: the site's own (`HttpEdgeOptions.origins`). */
export const originsOf = (publicBaseUrl: string) => [new URL(publicBaseUrl).origin];

const STATUS_TITLES = new Map([
  [404, 'Not found'],
  [410, 'Withdrawn'],
  [429, 'Too many requests'],
]);

/**
 * What every page-serving function shares: its configuration (`shape` plus the publisher and the
 * templates), localized strings and the one page renderer of `templates/pages/`.
 */
export function pagesFromEnv<T extends z.core.$ZodLooseShape>(shape: T) {
  const config = readEnv({ ...pageSettings, ...shape });
  const { HERALD_TEMPLATES_DIR, HERALD_PUBLISHER_NAME: publisher } = readEnv(pageSettings);
  const templates = new FileTemplateSource(HERALD_TEMPLATES_DIR);
  /** `t(key)` for a language, with the publisher filled in; raw text (the page templates escape it). */
  const messagesFor = async (lang: Language) => {
    const messages = await loadMessages(templates, lang);
    return (key: string, values: Record<string, string> = {}) =>
      formatMessage(messages, lang, key, { publisher, ...values });
  };
  const pages = pageRenderer(templates);
  /** A page with a localized title and paragraphs, plus what `templates/pages/message.hbs` shows. */
  const page = async (
    lang: Language,
    titleKey: string,
    textKeys: string[],
    extra: Omit<PageView, 'lang' | 'title' | 'paragraphs'> = {},
  ) => {
    const t = await messagesFor(lang);
    return pages('message', {
      lang,
      title: t(titleKey),
      paragraphs: textKeys.map((key) => t(key)),
      ...extra,
    });
  };
  /** A page that asks one question and offers one button, which posts `field=value` to `action`. */
  const ask = async (
    lang: Language,
    titleKey: string,
    textKey: string,
    form: { action: string; field: string; value: string; buttonKey: string },
  ) => {
    const t = await messagesFor(lang);
    const { buttonKey, ...fields } = form;
    return page(lang, titleKey, [textKey], { form: { ...fields, button: t(buttonKey) } });
  };
  /** The link back to the subscribe form, in `lang`. */
  const subscribeLink = async (lang: Language) => ({
    href: `/subscribe?lang=${lang}`,
    text: (await messagesFor(lang))('subscribeButton'),
  });
  /** A refusal on a page with no language of its own: the message under a plain English heading. */
  const statusPage = (status: number, message: string) =>
    pages('message', {
      lang: 'en',
      title: STATUS_TITLES.get(status) ?? (status >= 500 ? 'Server error' : 'Request not accepted'),
      paragraphs: [message],
    });
  return { config, publisher, templates, messagesFor, pages, page, ask, statusPage, subscribeLink };
}

/** What the subscription pages share: configuration, stores, notices and localized page rendering. */
export async function siteFromEnv() {
  const site = pagesFromEnv({
    HERALD_TABLE: env.HERALD_TABLE,
    HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
    HERALD_POSTAL_ADDRESS: env.HERALD_POSTAL_ADDRESS,
    HERALD_TOKEN_KEYS: env.HERALD_TOKEN_KEYS,
    HERALD_TOKEN_KEYS_SECRET_ARN: env.HERALD_TOKEN_KEYS_SECRET_ARN,
    HERALD_ADDRESS_KEY: env.HERALD_ADDRESS_KEY,
    HERALD_ADDRESS_KEY_SECRET_ARN: env.HERALD_ADDRESS_KEY_SECRET_ARN,
    HERALD_CORS_ORIGINS: env.HERALD_CORS_ORIGINS,
    HERALD_SUBSCRIBE_PER_CLIENT_PER_HOUR: env.HERALD_SUBSCRIBE_PER_CLIENT_PER_HOUR,
    HERALD_PUBLIC_MAIL_QUEUE_URL: env.HERALD_PUBLIC_MAIL_QUEUE_URL,
    HERALD_PUBLIC_MAILS_PER_HOUR: env.HERALD_PUBLIC_MAILS_PER_HOUR,
    HERALD_PUBLIC_MAILS_PER_DAY: env.HERALD_PUBLIC_MAILS_PER_DAY,
  });
  const { config } = site;
  const tokenKeys = await loadTokenKeys(config);
  const addressKey = await loadAddressKey(config);
  const subscribers = new DynamoSubscriberStore(config.HERALD_TABLE);
  const limits = new DynamoRateLimiter(config.HERALD_TABLE);
  // Mail the public causes is only queued here; the public-mail worker renders and sends it.
  const queue = new SqsPublicMailQueue(config.HERALD_PUBLIC_MAIL_QUEUE_URL);
  const budget = { perHour: config.HERALD_PUBLIC_MAILS_PER_HOUR, perDay: config.HERALD_PUBLIC_MAILS_PER_DAY };
  return {
    ...site,
    /** The site's own origin: its pages may post Herald's forms (`HttpEdgeOptions.origins`). */
    origins: originsOf(config.HERALD_PUBLIC_BASE_URL),
    tokenKeys,
    addressKey,
    subscribers,
    suppressions: new DynamoSuppressionList(config.HERALD_TABLE),
    history: new DynamoReaderHistory(config.HERALD_TABLE),
    articles: new DynamoArticleStore(config.HERALD_TABLE),
    /** Who asked never to be sent suggestions again. */
    optOuts: new DynamoSuppressionList(config.HERALD_TABLE, 'NOSUGGEST'),
    limits,
    queue,
    budget,
    notices: new QueuedNotices(queue, limits, budget),
  };
}
