import type { ArticleVersion } from '#core/documents/article.ts';
import { decodeDocument } from '#core/documents/decode.ts';
import { sha256Hex } from '#core/documents/keys.ts';
import { parseSeedPage } from '#core/documents/parse-seed-page.ts';
import { summarize } from '#core/documents/summary.ts';
import { fixturePage } from './fixtures.ts';

/** An article version as ingest would store it, from a fixture page. */
export function versionFromFixture(name: string, overrides: Partial<ArticleVersion> = {}): ArticleVersion {
  const bytes = fixturePage(name);
  const parsed = parseSeedPage(decodeDocument(bytes));
  return {
    ...parsed,
    articleId: name.replace(/\.txt$/, ''),
    summary: summarize(parsed.paragraphs, parsed.lang),
    sourceKey: `documents/${name}`,
    contentHash: sha256Hex(bytes),
    timeZone: 'UTC',
    ingestedAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}
