import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { loadTokenKeys } from '#adapters/token-keys.ts';
import { originsOf, pagesFromEnv } from '#builders/site.ts';
import { env } from '#config/env.ts';
import { HttpError } from '#core/errors.ts';
import { resubscribeByToken, undoToken } from '#core/subscriptions/lifecycle.ts';
import { unsubscribeByToken } from '#core/subscriptions/manage.ts';
import { verifyToken } from '#core/tokens.ts';
import { httpHandler } from '#handlers/shared/http-edge.ts';
import { logger } from '#handlers/shared/logger.ts';

const site = pagesFromEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_TOKEN_KEYS: env.HERALD_TOKEN_KEYS,
  HERALD_TOKEN_KEYS_SECRET_ARN: env.HERALD_TOKEN_KEYS_SECRET_ARN,
});
const subscribers = new DynamoSubscriberStore(site.config.HERALD_TABLE);
const tokenKeys = await loadTokenKeys(site.config);

/**
 * `GET /unsubscribe?t=…` shows one button and changes nothing (link scanners only GET).
 * `POST /unsubscribe?t=…` with `List-Unsubscribe=One-Click` (RFC 8058) unsubscribes at once: 200. The page
 * that follows offers an undo (`undo=1`), which brings back only a reader who unsubscribed.
 */
export const handler = httpHandler(
  'unsubscribe',
  async (_event, request) => {
    const now = new Date();
    const action = request.here();
    if (request.method !== 'POST') {
      const subscriber = await subscribers.get(verifyToken(tokenKeys, 'unsubscribe', request.token(), now));
      const form = { action, field: 'List-Unsubscribe', value: 'One-Click', buttonKey: 'unsubscribeButton' };
      return site.ask(subscriber?.lang ?? 'en', 'unsubscribeTitle', 'unsubscribeQuestion', form);
    }
    const { undo, 'List-Unsubscribe': oneClick } = await request.form();
    if (undo !== undefined) {
      // Undo is the page's own button: never from another site. (The one-click POST below comes from
      // mail providers' servers, with no such headers, and carries its own token.)
      request.refuseCrossSite();
      const subscriber = await resubscribeByToken(subscribers, tokenKeys, undo, now);
      logger.info('unsubscribe undone', { subscriberId: subscriber?.id ?? 'unknown' });
      return site.page(subscriber?.lang ?? 'en', 'welcomeHeading', ['resubscribed']);
    }
    if (oneClick !== 'One-Click') throw new HttpError(400, 'the body must be List-Unsubscribe=One-Click');
    const subscriber = await unsubscribeByToken(subscribers, tokenKeys, request.token(), now);
    logger.info('unsubscribed', { subscriberId: subscriber?.id ?? 'unknown' });
    if (!subscriber) return site.page('en', 'unsubscribeTitle', ['unsubscribedDone']);
    // The undo button carries a token of its own, valid a few minutes, shown on this page only.
    const form = {
      action,
      field: 'undo',
      value: undoToken(tokenKeys, subscriber.id, now),
      buttonKey: 'undoUnsubscribe',
    };
    return site.ask(subscriber.lang, 'unsubscribeTitle', 'unsubscribedDone', form);
  },
  { origins: originsOf(site.config.HERALD_PUBLIC_BASE_URL), errorPage: site.statusPage },
);
