// Types for html-to-text 10, which ships none (DefinitelyTyped stops at 9). Written from version 10's
// README: the documented options and formats, not the formatter-writing API, which Herald does not use.
declare module 'html-to-text' {
  /** The built-in formats (README, "Predefined formatters" and "More formatters"). */
  export type Format =
    | 'anchor'
    | 'block'
    | 'blockHtml'
    | 'blockquote'
    | 'blockString'
    | 'blockTag'
    | 'dataTable'
    | 'heading'
    | 'horizontalLine'
    | 'image'
    | 'inline'
    | 'inlineHtml'
    | 'inlineString'
    | 'inlineSurround'
    | 'inlineTag'
    | 'lineBreak'
    | 'orderedList'
    | 'paragraph'
    | 'pre'
    | 'skip'
    | 'table'
    | 'unorderedList'
    | 'wbr';

  /** README, "Format options". */
  export interface FormatOptions {
    leadingLineBreaks?: number;
    trailingLineBreaks?: number;
    baseUrl?: string | null;
    linkBrackets?: [string, string] | false;
    pathRewrite?: (path: string, metadata?: unknown) => string;
    hideLinkHrefIfSameAsText?: boolean;
    ignoreHref?: boolean;
    noAnchorUrl?: boolean;
    itemPrefix?: string;
    uppercase?: boolean;
    length?: number;
    trimEmptyLines?: boolean;
    uppercaseHeaderCells?: boolean;
    maxColumnWidth?: number;
    colSpacing?: number;
    rowSpacing?: number;
    string?: string;
    prefix?: string;
    suffix?: string;
  }

  export interface SelectorDefinition {
    selector: string;
    format?: Format;
    options?: FormatOptions;
  }

  /** README, "General options" (without the deprecated ones, which version 11 removes). */
  export interface HtmlToTextOptions {
    baseElements?: {
      selectors?: string[];
      orderBy?: 'selectors' | 'occurrence';
      returnDomByDefault?: boolean;
    };
    decodeEntities?: boolean;
    encodeCharacters?: Record<string, string>;
    limits?: {
      ellipsis?: string;
      maxBaseElements?: number;
      maxChildNodes?: number;
      maxDepth?: number;
      maxInputLength?: number;
    };
    longWordSplit?: { wrapCharacters?: string[]; forceWrapOnLimit?: boolean };
    preserveNewlines?: boolean;
    selectors?: SelectorDefinition[];
    whitespaceCharacters?: string;
    wordwrap?: number | false | null;
  }

  export function convert(html: string, options?: HtmlToTextOptions, metadata?: unknown): string;
  export { convert as htmlToText };
  export function compile(options?: HtmlToTextOptions): (html: string, metadata?: unknown) => string;
}
