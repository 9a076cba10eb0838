import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { env, readEnv } from '#config/env.ts';
import { neutralize } from '#core/digests/personalize.ts';
import { HttpError } from '#core/errors.ts';
import { renderPage } from '#core/pages/page.ts';
import { type HttpResult, html, withHttpErrors } from '#handlers/shared/http.ts';

const config = readEnv({ HERALD_TABLE: env.HERALD_TABLE, HERALD_BUCKET: env.HERALD_BUCKET });
const digests = new AwsDigestStore(config.HERALD_TABLE, config.HERALD_BUCKET);
const articles = new DynamoArticleStore(config.HERALD_TABLE);

/**
 * `GET /digests/<id>`: "View in browser" — the digest as it was mailed, without any personal link
 * (safe to forward), and without the articles withdrawn since.
 */
export const handler = withHttpErrors(
  async (event): Promise<HttpResult> => {
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
    const response = html(200, neutralize(rendered, skip));
    // MJML's inline styles need style-src; the page has no script and no form.
    return {
      ...response,
      headers: {
        ...response.headers,
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src https:",
      },
    };
  },
  (status, message) =>
    renderPage({ lang: 'en', title: status === 404 ? 'Not found' : 'Error', paragraphs: [message] }),
);
