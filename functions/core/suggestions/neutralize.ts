/** Dots as mail programs read them in host names: ASCII, and the ideographic and full-width ones IDNA maps to it. */
const DOT = '[.\u3002\uff0e\uff61]';
const HOST = new RegExp(
  `[\\p{L}\\p{N}_-]+(?:${DOT}[\\p{L}\\p{N}_-]+)*${DOT}\\p{L}{2,}(?![\\p{L}\\p{N}])`,
  'u',
);
const IPV4 = /\d{1,3}(?:\.\d{1,3}){3}/;

/** Whether a word (no spaces) is something a mail program could turn into a link or an address. */
function linkLike(word: string): boolean {
  return /:\/\/|^www\./i.test(word) || /[^\s@]@[^\s@]/.test(word) || HOST.test(word) || IPV4.test(word);
}

/**
 * Text a visitor typed, made harmless to put in a mail under the publisher's name: every word that looks
 * like a web address, a host name (`evil-bank.example/unlock`, `evil-bank.example:443/a`), an IP address
 * or a mail address is written the way security notices write such things — `evil-bank[.]example[:]443/a`,
 * `name[at]example[.]org` — so no mail program makes a link of it and no reader mistakes it for one.
 * Other text is left as it is.
 */
export function neutralize(text: string): string {
  return text.replace(/\S+/g, (word) =>
    linkLike(word)
      ? word
          .replace(/:\/\//g, '[:]//')
          .replace(/:(?!\]\/\/)/g, '[:]')
          .replace(new RegExp(DOT, 'g'), '[.]')
          .replace(/@/g, '[at]')
      : word,
  );
}
