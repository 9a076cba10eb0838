import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { pagesFromEnv } from '#builders/site.ts';
import { env } from '#config/env.ts';
import { LANGUAGES, nativeName } from '#core/i18n/languages.ts';
import { articleLinks, languageChoices } from '#core/pages/choices.ts';
import { pageUrl } from '#core/pages/urls.ts';
import { httpHandler } from '#handlers/shared/http-edge.ts';

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
    'subscribers add reader@example.org --lang en --confirmed',
    'publish samples/press-release-en.txt',
    'status',
    '--help',
  ].map((command) => `npx herald ${command}`),
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
        ...{ code, name: nativeName(code), archiveUrl: url(`archive/${code}`) },
        strings: Object.fromEntries(SECTION_STRINGS.map((key) => [key, say.get(code)!(key)])),
        ...{ subscribeUrl: url(`subscribe?lang=${code}`), feedUrl: url(`archive/${code}/feed.atom`) },
        latest: articleLinks(config.HERALD_PUBLIC_BASE_URL, await articles.listArchive(code, LATEST), code),
      })),
    );
    const view = { lang, t, title: site.publisher, paragraphs: [t('homeIntro')], local };
    return site.pages('home', { ...view, languages: languageChoices(lang), sections });
  },
  { errorPage: site.statusPage },
);
