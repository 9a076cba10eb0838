import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { pagesFromEnv } from '#builders/site.ts';
import { env } from '#config/env.ts';
import { neutralize } from '#core/digests/personalize.ts';
import { HttpError } from '#core/errors.ts';
import { html } from '#handlers/shared/http.ts';
import { httpHandler } from '#handlers/shared/http-edge.ts';

const site = pagesFromEnv({ HERALD_TABLE: env.HERALD_TABLE, HERALD_BUCKET: env.HERALD_BUCKET });
const { config } = site;
const digests = new AwsDigestStore(config.HERALD_TABLE, config.HERALD_BUCKET);
const articles = new DynamoArticleStore(config.HERALD_TABLE);

/**
 * `GET /digests/<id>`: "View in browser" — the digest as it was mailed, without any personal link
 * (safe to forward), and without the articles withdrawn since.
 */
export const handler = httpHandler(
  'digest-page',
  async (event) => {
    const id = /^\/digests\/(d_[0-9a-f]{24})\/?$/.exec(event.rawPath)?.[1];
    if (!id) throw new HttpError(404, 'there is no digest at this address');
    const rendered = await digests.loadRendered(id).catch((cause: unknown) => {
      throw new HttpError(404, 'there is no digest at this address', { cause });
    });
    const withdrawn = await articles.withdrawnAmong(rendered.articles);
    const skip = new Set(
      rendered.articles.flatMap((a, i) =>
        withdrawn.some((w) => w.articleId === a.articleId && w.lang === a.lang) ? [i] : [],
      ),
    );
    // MJML's inline styles need style-src; the page has no script and no form.
    return html(
      200,
      neutralize(rendered, skip),
      "default-src 'none'; style-src 'unsafe-inline'; img-src https:",
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
