import type { RejectionReason } from '#core/errors.ts';

/** A document tried as an attacker (or a careless publisher) would, and what must become of it. */
export interface HostileDocument {
  readonly name: string;
  readonly key: string;
  readonly body: Buffer;
  /** The quarantine reason it must get; `published` for one that is valid after all. */
  readonly expect: RejectionReason | 'published';
}

const md = (front: string, body: string) => `---\n${front}\n---\n${body}\n`;
const front = (id: string) => `title: "A hostile test"\ndate: "2026-05-12 09:00"\nlang: en\nid: ${id}`;

/** Nine levels of YAML aliases, each nine of the one before: about 387 million strings if expanded. */
function yamlBomb(): string {
  const lines = ['a0: &a0 "lol"'];
  for (let i = 1; i <= 9; i++)
    lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
  return md(`title: "Laughs"\ndate: "2026-05-12 09:00"\nlang: en\ntopics: *a9\n${lines.join('\n')}`, 'Body.');
}

/** The hostile corpus: the five, and the families around them. */
export function hostileCorpus(): HostileDocument[] {
  const doc = (name: string, key: string, body: string | Buffer, expect: HostileDocument['expect']) => ({
    name,
    key: `documents/hostile/${key}`,
    body: typeof body === 'string' ? Buffer.from(body) : body,
    expect,
  });
  const paragraph = 'The delegation discussed port safety, clean shipping and training. ';
  return [
    doc(
      'a 600 KB Markdown document (under the 1 MB limit)',
      'large/en.md',
      md(front('hostile-large'), Array.from({ length: 9000 }, (_, i) => `${paragraph}(${i})\n`).join('\n')),
      'published',
    ),
    doc('an extension "constructor"', 'proto.constructor', 'text', 'unknown-format'),
    doc('an extension "__proto__"', 'proto.__proto__', 'text', 'unknown-format'),
    doc('an extension "toString"', 'proto.toString', 'text', 'unknown-format'),
    doc(
      'HTML with 70,000 nested <span>',
      'spans/en.html',
      `<!doctype html><html lang="en"><head><title>Deep</title></head><body><time datetime="2026-05-12T09:00">12 May</time>${'<span>'.repeat(70_000)}text</body></html>`,
      'too-deep',
    ),
    doc(
      'JSON whose date is a 200,000-deep array',
      'date/en.json',
      `{"title":"Deep date","lang":"en","date":${'['.repeat(200_000)}${']'.repeat(200_000)},"paragraphs":["x"]}`,
      'too-deep',
    ),
    doc('YAML aliases in front matter (a billion laughs)', 'laughs/en.md', yamlBomb(), 'malformed'),
    doc(
      'an XML entity bomb in an HTML page',
      'entities/en.html',
      `<!DOCTYPE html [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><html lang="en"><body><p>&c;&c;&c;</p></body></html>`,
      'no-title',
    ),
    doc(
      'a binary file',
      'binary/en.txt',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      'binary',
    ),
    doc('an empty file', 'empty/en.txt', '', 'empty'),
    doc(
      'Latin-1 text',
      'latin/fr.txt',
      Buffer.from('Communiqu\xe9 de presse\n\n2026-05-12 09:00\n\nTexte.', 'latin1'),
      'not-utf8',
    ),
    doc(
      'UTF-16 text',
      'utf16/en.txt',
      Buffer.from(`\ufeffTitle\n\n2026-05-12 09:00\n\nText.`, 'utf16le'),
      'binary',
    ),
    doc(
      'Markdown lists nested 200 deep',
      'lists/en.md',
      md(
        front('hostile-lists'),
        Array.from({ length: 200 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n'),
      ),
      'too-deep',
    ),
    doc(
      'Markdown quotes nested 100,000 deep',
      'quotes/en.md',
      md(front('hostile-quotes'), `${'>'.repeat(100_000)} deep`),
      'too-deep',
    ),
    doc(
      'raw HTML nested 10,000 deep inside Markdown',
      'inline/en.md',
      md(front('hostile-inline'), `Intro.\n\n${'<blockquote>'.repeat(10_000)}x`),
      'too-deep',
    ),
    doc(
      'a JSON body of nested HTML',
      'jsonhtml/en.json',
      JSON.stringify({
        title: 'Nested',
        lang: 'en',
        date: '2026-05-12 09:00',
        body: `${'<div>'.repeat(5000)}x`,
      }),
      'too-deep',
    ),
    doc(
      'a 900 KB single line in a text page',
      'line/en.txt',
      `Title\n\n2026-05-12 09:00\n\n${'word '.repeat(180_000)}`,
      'published',
    ),
    doc('a 900 KB line without a space', 'nospace/en.txt', `${'x'.repeat(900_000)}`, 'bad-date'),
    doc(
      'a front-matter object',
      'object/en.md',
      md(`${front('hostile-object')}\ntopics: { a: 1 }`, 'Body.'),
      'malformed',
    ),
    doc(
      'a nested front-matter list',
      'nested/en.md',
      md(`${front('hostile-nested')}\ntopics: [[a, b]]`, 'Body.'),
      'malformed',
    ),
    doc(
      'a JSON field that is an object',
      'jsonobject/en.json',
      JSON.stringify({ title: { toString: 'x' }, lang: 'en', date: '2026-05-12 09:00', paragraphs: ['x'] }),
      'malformed',
    ),
    doc(
      'JSON with a __proto__ field',
      'jsonproto/en.json',
      '{"__proto__":{"title":"Polluted"},"lang":"en","date":"2026-05-12 09:00","paragraphs":["x"]}',
      'malformed',
    ),
    doc(
      'a document over the size limit',
      'huge/en.txt',
      `Title\n\n2026-05-12 09:00\n\n${'y'.repeat(1_100_000)}`,
      'too-large',
    ),
  ];
}

/** A valid press-release page in `lang`, for the good documents uploaded among the hostile ones. */
export function goodPage(title: string): string {
  return `简体中文 Français Español Русский عربي\n\n${title}\n\n2026-05-12 09:00\n\nThe Foreign Minister met the delegation and discussed cooperation.\n\nBoth sides agreed to meet again.`;
}
