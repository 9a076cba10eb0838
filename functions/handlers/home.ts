import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { env } from '#config/env.ts';
import { LANGUAGES, nativeName } from '#core/i18n/languages.ts';
import { formatPublished } from '#core/i18n/messages.ts';
import { languageChoices } from '#core/pages/choices.ts';
import { articleUrl, pageUrl } from '#core/pages/urls.ts';
import { html } from '#handlers/shared/http.ts';
import { httpHandler } from '#handlers/shared/http-edge.ts';
import { pagesFromEnv } from '#handlers/shared/site.ts';

const site = pagesFromEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_LOCAL_OUTBOX_URL: env.HERALD_LOCAL_OUTBOX_URL,
});
const { config } = site;
const articles = new DynamoArticleStore(config.HERALD_TABLE);
const url = (path: string) => pageUrl(config.HERALD_PUBLIC_BASE_URL, path);
const LATEST = 3;
/** Every language's strings: the page shows all six. */
const say = new Map(
  await Promise.all(LANGUAGES.map(async (code) => [code, await site.messagesFor(code)] as const)),
);
const SECTION_STRINGS = ['nothingYet', 'subscribeButton', 'articleIndex', 'feed'];
/** On the local stack: where the mail goes, the template preview, and the commands to try. */
const local = config.HERALD_LOCAL_OUTBOX_URL && {
  outbox: config.HERALD_LOCAL_OUTBOX_URL,
  preview: url('preview'),
  commands: [
    'npx herald subscribers add reader@example.org --lang en --confirmed',
    'npx herald publish samples/press-release-en.txt',
    'npx herald status',
    'npx herald --help',
  ],
};

/**
 * `GET /`: the publisher's home page — the six language archives with their latest articles, each with its
 * subscribe link and feed; on the local stack also the outbox, the template preview and the commands.
 */
export const handler = httpHandler(
  'home',
  async (_event, { lang }) => {
    const t = say.get(lang)!;
    const sections = await Promise.all(
      LANGUAGES.map(async (code) => ({
        code,
        name: nativeName(code),
        strings: Object.fromEntries(SECTION_STRINGS.map((key) => [key, say.get(code)!(key)])),
        archiveUrl: url(`archive/${code}`),
        subscribeUrl: url(`subscribe?lang=${code}`),
        feedUrl: url(`archive/${code}/feed.atom`),
        latest: (await articles.listArchive(code, LATEST)).map((a) => ({
          href: articleUrl(config.HERALD_PUBLIC_BASE_URL, a.articleId, a.lang),
          title: a.title,
          published: a.published,
          date: formatPublished(a.published, code),
        })),
      })),
    );
    const view = { lang, t, title: site.publisher, paragraphs: [t('homeIntro')] };
    return html(
      200,
      await site.pages('home', { ...view, languages: languageChoices(lang), sections, local }),
    );
  },
  {
    errorPage: (status, message) =>
      site.pages('message', {
        lang: 'en',
        title: status === 404 ? 'Not found' : 'Error',
        paragraphs: [message],
      }),
  },
);
