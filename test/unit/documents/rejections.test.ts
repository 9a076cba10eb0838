import { describe, expect, it } from 'vitest';
import { decodeDocument } from '#core/documents/decode.ts';
import { parseDocument } from '#core/documents/parse-document.ts';
import { DocumentRejectedError } from '#core/errors.ts';

const reject = (key: string, content: string | Buffer, maxBytes?: number) => {
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    parseDocument(key, decodeDocument(bytes, maxBytes), undefined, 'UTC');
  } catch (error) {
    if (error instanceof DocumentRejectedError) return { reason: error.reason, message: error.message };
    throw error;
  }
  throw new Error(`${key} was accepted`);
};

const md = (front: string, body = 'Body text.') => `---\n${front}\n---\n${body}\n`;

describe('documents that cannot become articles are rejected with a reason the publisher can act on', () => {
  it.each([
    ['an empty file', 'a.txt', '', 'empty'],
    ['a binary file', 'a.txt', Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]), 'binary'],
    ['Latin-1 text', 'a.txt', Buffer.from('Communiqu\xe9 de presse\n', 'latin1'), 'not-utf8'],
    ['an unknown format', 'a.csv', 'title,date\nx,2026-01-01', 'unknown-format'],
    ['Markdown without a title', 'a.md', md('date: 2026-01-01 10:00\nlang: en'), 'no-title'],
    [
      'Markdown with an impossible date',
      'a.md',
      md('title: T\ndate: 2026-13-40 10:00\nlang: en'),
      'bad-date',
    ],
    ['Markdown without a date', 'a.md', md('title: T\nlang: en'), 'bad-date'],
    ['Markdown in an unknown language', 'a.md', md('title: T\ndate: 2026-01-01\nlang: de'), 'no-language'],
    ['Markdown with broken YAML', 'a.md', md('title: [unclosed\ndate: x'), 'malformed'],
    ['Markdown with executable front matter', 'a.md', '---js\n{ title: "x" }\n---\nBody', 'malformed'],
    ['Markdown with no body', 'a.md', md('title: T\ndate: 2026-01-01\nlang: en', ''), 'no-content'],
    [
      'HTML without a title',
      'a.html',
      '<!doctype html><html lang="en"><body><p>x</p><time datetime="2026-01-01">x</time></body></html>',
      'no-title',
    ],
    [
      'HTML without a date',
      'a.html',
      '<!doctype html><html lang="en"><body><h1>T</h1><p>x</p></body></html>',
      'bad-date',
    ],
    ['JSON that does not parse', 'a.json', '{"title": "x",', 'malformed'],
    ['a JSON array', 'a.json', '[1,2]', 'malformed'],
    ['JSON without a title', 'a.json', '{"lang":"en","date":"2026-01-01","paragraphs":["x"]}', 'no-title'],
    [
      'a text page without a date line',
      'a.txt',
      'Français Español Русский 简体中文 عربي\n\nTitle\n\nBody',
      'bad-date',
    ],
  ])('%s', (_what, key, content, reason) => {
    const rejection = reject(key, content);
    expect(rejection.reason).toBe(reason);
    expect(rejection.message.length).toBeGreaterThan(10);
  });

  it('an over-size file, naming the limit', () => {
    expect(reject('a.txt', Buffer.alloc(3000, 'x'), 2048)).toEqual({
      reason: 'too-large',
      message: 'document is 3000 bytes; the limit is 2048 bytes',
    });
  });
});
