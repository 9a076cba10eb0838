import { pageUrl } from '#core/pages/urls.ts';
import { signToken, type TokenKeys } from '#core/tokens.ts';

/** The two pages' URLs by public base URL, worked out once: a digest builds these links for every reader. */
const pagesOf = new Map<string, { unsubscribe: string; preferences: string }>();
function pages(publicBaseUrl: string) {
  let found = pagesOf.get(publicBaseUrl);
  if (!found) {
    found = {
      unsubscribe: pageUrl(publicBaseUrl, 'unsubscribe'),
      preferences: pageUrl(publicBaseUrl, 'preferences'),
    };
    pagesOf.set(publicBaseUrl, found);
  }
  return found;
}

/** A subscriber's personal links: one-click unsubscribe, and the preference center. Neither expires. */
export function personalLinks(publicBaseUrl: string, tokenKeys: TokenKeys, subscriberId: string) {
  const { unsubscribe, preferences } = pages(publicBaseUrl);
  const token = (purpose: 'unsubscribe' | 'preferences') =>
    encodeURIComponent(signToken(tokenKeys, purpose, subscriberId));
  return {
    unsubscribeUrl: `${unsubscribe}?t=${token('unsubscribe')}`,
    preferencesUrl: `${preferences}?t=${token('preferences')}`,
  };
}
