import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDocument } from '#core/documents/decode.ts';
import { parseDocument } from '#core/documents/parse-document.ts';
import { DocumentRejectedError } from '#core/errors.ts';
import { documentFixtures, fixtureDocument } from '../../support/documents.ts';

/** What ingest does with bytes: an article, or a typed rejection — never any other exception. */
function outcome(key: string, bytes: Uint8Array): 'article' | 'rejected' {
  try {
    const doc = parseDocument(key, decodeDocument(bytes, 64 * 1024), undefined, 'Europe/Paris');
    expect(doc.title.length).toBeGreaterThan(0);
    expect(doc.paragraphs.length).toBeGreaterThan(0);
    expect(doc.published).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    return 'article';
  } catch (error) {
    if (error instanceof DocumentRejectedError) return 'rejected';
    throw error;
  }
}

const keys = fc.constantFrom(
  'documents/a.txt',
  'documents/a.md',
  'documents/a.html',
  'documents/a.json',
  'documents/x/en.txt',
  'documents/b',
);

/** A fixture with random edits: bytes dropped, inserted or replaced, lines shuffled or duplicated. */
const mutatedFixture = fc
  .record({
    file: fc.constantFrom(...documentFixtures.map((d) => d.file)),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        kind: fc.constantFrom('drop', 'insert', 'replace', 'duplicate-line', 'drop-line'),
        text: fc.oneof(
          fc.string({ maxLength: 8 }),
          fc.constantFrom('\n', '---\n', '{', '<', '"', '\uFEFF', '\r\n', '\u0000'),
        ),
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ file, edits }) => {
    let text = fixtureDocument(file).toString('utf8');
    for (const edit of edits) {
      const at = text.length === 0 ? 0 : edit.at % text.length;
      if (edit.kind === 'drop') text = text.slice(0, at) + text.slice(at + edit.text.length + 1);
      if (edit.kind === 'insert') text = text.slice(0, at) + edit.text + text.slice(at);
      if (edit.kind === 'replace') text = text.slice(0, at) + edit.text + text.slice(at + edit.text.length);
      const lines = text.split('\n');
      const line = lines.length === 0 ? 0 : edit.at % lines.length;
      if (edit.kind === 'duplicate-line') lines.splice(line, 0, lines[line] ?? '');
      if (edit.kind === 'drop-line') lines.splice(line, 1);
      if (edit.kind.endsWith('-line')) text = lines.join('\n');
    }
    return { key: `documents/${file.split('/').at(-1)}`, bytes: Buffer.from(text) };
  });

describe('any input', () => {
  it('random bytes yield an article or a typed rejection, never an exception', () => {
    fc.assert(
      fc.property(keys, fc.uint8Array({ maxLength: 2048 }), (key, bytes) => void outcome(key, bytes)),
      {
        numRuns: 500,
      },
    );
  });

  it('random text yields an article or a typed rejection, never an exception', () => {
    fc.assert(
      fc.property(
        keys,
        fc.string({ unit: 'grapheme', maxLength: 600 }),
        (key, text) => void outcome(key, Buffer.from(text)),
      ),
      {
        numRuns: 500,
      },
    );
  });

  it('mutated real documents yield an article or a typed rejection, never an exception', () => {
    const seen = { article: 0, rejected: 0 };
    fc.assert(
      fc.property(mutatedFixture, ({ key, bytes }) => {
        seen[outcome(key, bytes)]++;
      }),
      { numRuns: 1000 },
    );
    // The mutations are mild enough that many documents survive them, and wild enough that many do not.
    expect(seen.article).toBeGreaterThan(100);
    expect(seen.rejected).toBeGreaterThan(100);
  });
});
