import { describe, expect, it } from 'vitest';
import { decodeDocument } from '#core/documents/decode.ts';
import { parseSeedPage } from '#core/documents/parse-seed-page.ts';
import { DocumentRejectedError } from '#core/errors.ts';
import { fixturePage } from '../../support/fixtures.ts';

const page = (name: string) => parseSeedPage(decodeDocument(fixturePage(name)));

describe('press-release page in text form', () => {
  it('takes the page language as the UN language its links line leaves out', () => {
    expect(page('en-state-visit.txt').lang).toBe('en');
    expect(page('fr-senegal.txt').lang).toBe('fr');
    expect(page('zh-state-visit.txt').lang).toBe('zh');
    expect(page('ar-state-visit.txt').lang).toBe('ar');
  });

  it('reads title, date with its time, and paragraphs, and drops the page chrome', () => {
    const article = page('en-state-visit.txt');
    expect(article.title).toBe('Spokesperson Announces State Visit of the President of Chile');
    expect(article.published).toBe('2026-03-14T16:05');
    expect(article.paragraphs).toHaveLength(2);
    expect(article.paragraphs[1]).toMatch(/^During the visit/);
    expect(article.paragraphs.join(' ')).not.toMatch(/Suggest to a friend|Print/);
    expect(article.otherLanguages).toEqual(['ar', 'es', 'ru', 'fr', 'zh']);
  });

  it('drops the chrome in the page language too', () => {
    expect(page('fr-senegal.txt').paragraphs.join(' ')).not.toMatch(/Suggérer|Imprimer/);
    expect(page('zh-state-visit.txt').paragraphs.join('')).not.toMatch(/推荐给朋友|打印/);
    expect(page('ar-state-visit.txt').paragraphs.join(' ')).not.toMatch(/اقترح على صديق|طباعة/);
  });

  it('reads a page with CRLF line endings (the Arabic fixture) like any other', () => {
    const article = page('ar-state-visit.txt');
    expect(article.title).toBe('المتحدث الرسمي يعلن عن زيارة دولة لرئيس تشيلي');
    expect(article.paragraphs).toHaveLength(2);
    expect(article.paragraphs.every((p) => !p.includes('\r'))).toBe(true);
  });

  it('is robust to a BOM, CR line endings, trailing spaces and runs of blank lines', () => {
    const clean = page('en-state-visit.txt');
    const messy = `\uFEFF${fixturePage('en-state-visit.txt').toString('utf8')}`
      .split('\n')
      .map((line) => `${line}   `)
      .join('\r\r\r');
    expect(parseSeedPage(decodeDocument(Buffer.from(messy)))).toEqual(clean);
  });

  it('rejects a page without a date line, saying what it expected', () => {
    const text = 'Français Español Русский 简体中文 عربي\n\nA title\n\nNot a date\n\nBody.';
    expect(() => parseSeedPage(text)).toThrowError(/expected a date line "YYYY-MM-DD HH:MM"/);
  });

  it('rejects dates that do not exist', () => {
    const text = 'Français Español Русский 简体中文 عربي\n\nA title\n\n2026-02-30 10:00\n\nBody.';
    expect(() => parseSeedPage(text)).toThrow(DocumentRejectedError);
  });

  it('rejects a page whose own language cannot be told, unless its key names one', () => {
    const text = 'Français Español\n\nA title\n\n2026-01-05 10:00\n\nBody.';
    expect(() => parseSeedPage(text)).toThrowError(/ambiguous/);
    expect(parseSeedPage(text, 'en').lang).toBe('en');
  });

  it('rejects a page with no paragraphs', () => {
    const text =
      'Français Español Русский 简体中文 عربي\n\nA title\n\n2026-01-05 10:00\n\nSuggest to a friend\nPrint';
    expect(() => parseSeedPage(text)).toThrowError(expect.objectContaining({ reason: 'no-content' }));
  });
});

describe('decoding bytes', () => {
  it.each([
    ['empty', Buffer.from('  \n\n ')],
    ['binary', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01])],
    ['not-utf8', Buffer.from([0x54, 0x69, 0x74, 0x6c, 0xe9, 0x0a])],
  ])('rejects %s documents', (reason, bytes) => {
    expect(() => decodeDocument(bytes)).toThrowError(expect.objectContaining({ reason }));
  });

  it('rejects documents over the size limit, naming both sizes', () => {
    expect(() => decodeDocument(Buffer.alloc(2048, 'a'), 1024)).toThrowError(/2048 bytes; the limit is 1024/);
  });
});
