import { describe, expect, it } from 'vitest';
import { decodeDocument } from '#core/documents/decode.ts';
import { readKey } from '#core/documents/keys.ts';
import { detectFormat, parseDocument } from '#core/documents/parse-document.ts';
import { LANGUAGES } from '#core/i18n/languages.ts';
import { documentFixtures, fixtureDocument } from '../../support/documents.ts';

const parse = (file: string) => {
  const facts = readKey(file);
  return { facts, parsed: parseDocument(file, decodeDocument(fixtureDocument(file)), facts.langHint, 'UTC') };
};

describe('every fixture document, in every format and language', () => {
  it('covers two articles per language and per format', () => {
    for (const format of ['page', 'markdown', 'html', 'json']) {
      for (const lang of LANGUAGES) {
        expect(
          documentFixtures.filter((d) => d.file.startsWith(`${format}/`) && d.lang === lang),
        ).toHaveLength(2);
      }
    }
  });

  it.each(documentFixtures.map((d) => [d.file, d] as const))('%s reads as written', (file, expected) => {
    const { facts, parsed } = parse(file);
    expect(parsed.lang).toBe(expected.lang);
    expect(parsed.title).toBe(expected.title);
    expect(parsed.published).toBe(expected.published);
    expect(parsed.paragraphs).toEqual(expected.paragraphs);
    expect(parsed.articleId ?? facts.articleId).toBe(expected.articleId);
    expect([...parsed.otherLanguages].sort()).toEqual(LANGUAGES.filter((l) => l !== expected.lang).sort());
  });

  it('drops the HTML page chrome: navigation, footer, the dateline and the Suggest/Print links', () => {
    const { parsed } = parse('html/harbour-forum.en.html');
    expect(parsed.bodyHtml).not.toMatch(/Home|News|Copyright|Suggest to a friend|Print|2026-05-12/);
    expect(parsed.canonicalUrl).toBe('https://www.example.org/en/harbour-forum');
  });

  it('reads topics and the canonical URL from Markdown front matter', () => {
    const { parsed } = parse('markdown/grain-corridor.fr.md');
    expect(parsed.topics).toEqual(['diplomacy', 'trade']);
    expect(parsed.canonicalUrl).toBe('https://www.example.org/fr/grain-corridor');
  });
});

describe('choosing the format', () => {
  it('trusts a clear content signature over the extension', () => {
    expect(detectFormat('documents/a.txt', '{"title":"x"}')).toBe('json');
    expect(detectFormat('documents/a.txt', '<!DOCTYPE html><html>')).toBe('html');
    expect(detectFormat('documents/a', '---\ntitle: x\n---\nbody')).toBe('markdown');
  });

  it('uses the extension otherwise, and reads a key without one as a text page', () => {
    expect(detectFormat('documents/a.md', '# Title')).toBe('markdown');
    expect(detectFormat('documents/a.htm', 'just text')).toBe('html');
    expect(detectFormat('documents/a', 'English Français')).toBe('page');
  });

  it('refuses extensions it does not read, naming the ones it does', () => {
    expect(() => detectFormat('documents/a.csv', 'a,b')).toThrowError(
      /".csv" documents are not read: use .*\.txt.*\.md.*\.html.*\.json/,
    );
  });
});
