import { readFileSync } from 'node:fs';

export interface ExpectedArticle {
  file: string;
  articleId: string;
  lang: 'en' | 'zh' | 'fr' | 'es' | 'ru' | 'ar';
  title: string;
  published: string;
  paragraphs: string[];
}

const dir = new URL('../fixtures/documents/', import.meta.url);

/** The fixture set written by test/fixtures/documents/make-fixtures.py, with what each holds. */
export const documentFixtures: ExpectedArticle[] = JSON.parse(
  readFileSync(new URL('articles.json', dir), 'utf8'),
);

export function fixtureDocument(file: string): Buffer {
  return readFileSync(new URL(file, dir));
}
