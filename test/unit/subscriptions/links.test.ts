import { describe, expect, it } from 'vitest';
import { personalLinks } from '#core/subscriptions/links.ts';
import { verifyToken } from '#core/tokens.ts';
import { testTokenKeys } from '../../support/fixtures.ts';

describe("a reader's personal links", () => {
  it.each([
    'https://news.example.org/',
    'https://news.example.org',
    'https://example.org/press/news/',
    'http://127.0.0.1:3000/',
  ])('under %s open the two pages with a token for that reader alone', (base) => {
    const links = personalLinks(base, testTokenKeys(), 's_0123456789abcdef01234567');
    const root = base.endsWith('/') ? base : `${base}/`;
    for (const [url, page, purpose] of [
      [links.unsubscribeUrl, 'unsubscribe', 'unsubscribe'],
      [links.preferencesUrl, 'preferences', 'preferences'],
    ] as const) {
      const parsed = new URL(url);
      // What the browser opens is the link as written: nothing for the URL parser to change.
      expect(parsed.toString()).toBe(url);
      expect(`${parsed.origin}${parsed.pathname}`).toBe(`${root}${page}`);
      expect(verifyToken(testTokenKeys(), purpose, parsed.searchParams.get('t')!)).toBe(
        's_0123456789abcdef01234567',
      );
    }
  });
});
