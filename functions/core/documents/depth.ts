import { Parser } from 'htmlparser2';
import { DocumentRejectedError } from '#core/errors.ts';

/** How deep a document's structure may nest: far beyond any real page, far below a stack's limit. */
export const MAX_NESTING = 64;

/** Elements that never hold others (so they open no level). */
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

const tooDeep = (what: string) =>
  new DocumentRejectedError(
    'too-deep',
    `the ${what} nests deeper than ${MAX_NESTING} levels: flatten its structure`,
  );

/**
 * Refuses HTML nested deeper than `MAX_NESTING` elements, read by a streaming parser (no recursion, no
 * tree): checked before any parser or converter that walks the tree recursively sees it.
 */
export function checkHtmlDepth(html: string, what = 'HTML'): void {
  let depth = 0;
  let tooMany = false;
  const parser = new Parser(
    {
      onopentag(name) {
        if (VOID.has(name)) return;
        if (++depth > MAX_NESTING) {
          tooMany = true;
          parser.pause();
        }
      },
      onclosetag(name) {
        if (!VOID.has(name)) depth = Math.max(0, depth - 1);
      },
    },
    { decodeEntities: false },
  );
  parser.end(html);
  if (tooMany) throw tooDeep(what);
}

/** Refuses JSON nested deeper than `MAX_NESTING` arrays and objects, by one scan of the text. */
export function checkJsonDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_NESTING) throw tooDeep('JSON');
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/**
 * Refuses Markdown whose block quotes or lists nest deeper than `MAX_NESTING`, by reading each line's
 * prefix: `>` markers, and the indentation of list items (Markdown nests a list every two to four
 * columns; two is the most a level can take).
 */
export function checkMarkdownDepth(text: string): void {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    let quotes = 0;
    let i = start;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x3e) quotes++;
      else if (c !== 0x20 && c !== 0x09) break;
    }
    if (quotes > MAX_NESTING) throw tooDeep('Markdown (block quotes)');
    let indent = 0;
    for (let j = start; j < end && (text[j] === ' ' || text[j] === '\t'); j++)
      indent += text[j] === '\t' ? 4 : 1;
    const marker = text.slice(start + indent, start + indent + 3);
    if (/^([-*+]|\d+[.)])(\s|$)/.test(marker) && indent / 2 > MAX_NESTING) throw tooDeep('Markdown (lists)');
    start = end + 1;
  }
}
