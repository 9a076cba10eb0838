import { z } from 'zod';
import type { ParsedDocument } from '#core/documents/article.ts';
import { checkJsonDepth } from '#core/documents/depth.ts';
import {
  isTruthyFlag,
  optionalArticleId,
  optionalHttpsUrl,
  optionalLanguages,
  optionalText,
  optionalTopics,
  requireContent,
  requireDate,
  requireLanguage,
  requireTitle,
} from '#core/documents/formats/fields.ts';
import { plainFields } from '#core/documents/formats/front-matter.ts';
import { htmlToParagraphs, paragraphsToHtml, sanitizeBody } from '#core/documents/sanitize.ts';
import { DocumentRejectedError } from '#core/errors.ts';
import type { Language } from '#core/i18n/languages.ts';

/** The documented JSON document (README, "Documents"): plain paragraphs or an HTML body. */
const jsonDocument = z.looseObject({
  paragraphs: z.array(z.string()).optional(),
  body: z.string().optional(),
});

export function parseJsonDocument(
  text: string,
  langHint: Language | undefined,
  timeZone: string,
): ParsedDocument {
  checkJsonDepth(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DocumentRejectedError(
      'malformed',
      `the document is not valid JSON: ${(error as Error).message}`,
    );
  }
  const shape = jsonDocument.safeParse(value);
  if (!shape.success || Array.isArray(value)) {
    throw new DocumentRejectedError(
      'malformed',
      'a JSON document must be an object: see the README for its fields',
    );
  }
  const { paragraphs: _p, body: _b, ...fields } = value as Record<string, unknown>;
  const data = { ...plainFields(fields, 'JSON document'), ...shape.data } as Record<string, unknown> &
    z.infer<typeof jsonDocument>;
  const plain = (data.paragraphs ?? []).map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const bodyHtml = data.body !== undefined ? sanitizeBody(data.body) : paragraphsToHtml(plain);
  const paragraphs = data.body !== undefined ? htmlToParagraphs(bodyHtml) : plain;
  const parsed: ParsedDocument = {
    format: 'json',
    title: requireTitle(data.title),
    published: requireDate(data.date, timeZone),
    lang: requireLanguage(data.lang, langHint),
    paragraphs,
    bodyHtml,
    otherLanguages: optionalLanguages(data.translations),
    articleId: optionalArticleId(data.id),
    topics: optionalTopics(data.topics),
    canonicalUrl: optionalHttpsUrl(data.canonicalUrl),
    summary: optionalText(data.summary, 600),
    archiveOnly: isTruthyFlag(data.archiveOnly),
  };
  requireContent(paragraphs);
  return parsed;
}
