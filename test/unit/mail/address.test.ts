import { describe, expect, it } from 'vitest';
import { encodeMailbox } from '#core/mail/address.ts';

const decodeWords = (header: string) =>
  header.replace(/=\?UTF-8\?B\?([^?]+)\?=\s?/g, (_, b64: string) =>
    Buffer.from(b64, 'base64').toString('utf8'),
  );

describe('the From as SES takes it', () => {
  it.each([
    ['Пресс-служба <news@example.org>', 'Пресс-служба'],
    ['Служба «Вестник» <news@example.org>', 'Служба «Вестник»'],
    ['Ministère des Affaires étrangères <presse@example.fr>', 'Ministère des Affaires étrangères'],
    ['外交部新闻司 <news@example.cn>', '外交部新闻司'],
    ['المكتب الصحفي <news@example.org>', 'المكتب الصحفي'],
  ])('encodes the non-ASCII name of %s as RFC 2047 words, and keeps it', (from, name) => {
    const header = encodeMailbox(from);
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(header).toMatch(/^(=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= ?)+ <[a-z.@]+>$/);
    for (const word of header.match(/=\?[^ ]+\?=/g) ?? []) expect(word.length).toBeLessThanOrEqual(75);
    expect(decodeWords(header.slice(0, header.lastIndexOf(' <')))).toBe(name);
  });

  it('leaves a plain name as it is, quotes one with specials, and punycodes the domain', () => {
    expect(encodeMailbox('Herald <digest@herald.example.org>')).toBe('Herald <digest@herald.example.org>');
    expect(encodeMailbox('"Press, Office" <news@example.org>')).toBe('"Press, Office" <news@example.org>');
    expect(encodeMailbox('news@bücher.de')).toBe('news@xn--bcher-kva.de');
  });

  it.each([
    ['two addresses', 'a@example.org, b@example.org'],
    ['no address', 'Press Office'],
    ['a line break', 'Press\r\nBcc: x@example.org <news@example.org>'],
  ])('refuses %s', (_what, value) => {
    expect(() => encodeMailbox(value)).toThrow();
  });
});
