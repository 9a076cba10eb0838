import { pageUrl } from '#core/pages/urls.ts';
import { signToken, type TokenKeys } from '#core/tokens.ts';

/** A subscriber's personal links: one-click unsubscribe, and the preference center. Neither expires. */
export function personalLinks(publicBaseUrl: string, tokenKeys: TokenKeys, subscriberId: string) {
  const link = (path: string, purpose: 'unsubscribe' | 'preferences') =>
    pageUrl(publicBaseUrl, `${path}?t=${encodeURIComponent(signToken(tokenKeys, purpose, subscriberId))}`);
  return {
    unsubscribeUrl: link('unsubscribe', 'unsubscribe'),
    preferencesUrl: link('preferences', 'preferences'),
  };
}
