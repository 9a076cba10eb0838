import { describe, expect, it } from 'vitest';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import type { Language } from '#core/i18n/languages.ts';
import { formatMessage, loadMessages } from '#core/i18n/messages.ts';

const templates = new FileTemplateSource();
const counts = [0, 1, 2, 3, 5, 11, 21, 100] as const;

// What a reader of each language reads: written by hand from each language's own grammar (CLDR's
// plural categories: Arabic zero, one, two, few, many, other; Russian one, few, many; English one, other).
const expected: Record<'en' | 'ru' | 'ar', Record<'subject' | 'more', readonly string[]>> = {
  en: {
    subject: [
      'P: 0 new articles',
      'P: 1 new article',
      'P: 2 new articles',
      'P: 3 new articles',
      'P: 5 new articles',
      'P: 11 new articles',
      'P: 21 new articles',
      'P: 100 new articles',
    ],
    more: [
      '0 more articles in the archive',
      '1 more article in the archive',
      '2 more articles in the archive',
      '3 more articles in the archive',
      '5 more articles in the archive',
      '11 more articles in the archive',
      '21 more articles in the archive',
      '100 more articles in the archive',
    ],
  },
  ru: {
    subject: [
      'P: 0 новых статей',
      'P: 1 новая статья',
      'P: 2 новые статьи',
      'P: 3 новые статьи',
      'P: 5 новых статей',
      'P: 11 новых статей',
      'P: 21 новая статья',
      'P: 100 новых статей',
    ],
    more: [
      'Ещё 0 статей в архиве',
      'Ещё 1 статья в архиве',
      'Ещё 2 статьи в архиве',
      'Ещё 3 статьи в архиве',
      'Ещё 5 статей в архиве',
      'Ещё 11 статей в архиве',
      'Ещё 21 статья в архиве',
      'Ещё 100 статей в архиве',
    ],
  },
  ar: {
    subject: [
      'P: لا مقالات جديدة',
      'P: مقال جديد واحد',
      'P: مقالان جديدان',
      'P: 3 مقالات جديدة',
      'P: 5 مقالات جديدة',
      'P: 11 مقالًا جديدًا',
      'P: 21 مقالًا جديدًا',
      'P: 100 مقال جديد',
    ],
    more: [
      'لا مقالات أخرى في الأرشيف',
      'مقال آخر واحد في الأرشيف',
      'مقالان آخران في الأرشيف',
      '3 مقالات أخرى في الأرشيف',
      '5 مقالات أخرى في الأرشيف',
      '11 مقالًا آخر في الأرشيف',
      '21 مقالًا آخر في الأرشيف',
      '100 مقال آخر في الأرشيف',
    ],
  },
};

describe('plurals', () => {
  it.each(Object.keys(expected) as Array<keyof typeof expected>)(
    "in %s follow the language's own rules",
    async (lang) => {
      const messages = await loadMessages(templates, lang as Language);
      const subject = counts.map((count) =>
        formatMessage(messages, lang as Language, 'digestSubjectMany', { publisher: 'P', count }),
      );
      const more = counts.map((count) =>
        formatMessage(messages, lang as Language, 'moreInArchive', { count }),
      );
      expect(subject).toEqual(expected[lang].subject);
      expect(more).toEqual(expected[lang].more);
    },
  );

  it('are well-formed in every language, for every count', async () => {
    for (const lang of ['en', 'zh', 'fr', 'es', 'ru', 'ar'] as const) {
      const messages = await loadMessages(templates, lang);
      for (const count of counts) {
        const text = formatMessage(messages, lang, 'moreInArchive', { count });
        expect(text, `${lang} ${count}`).not.toMatch(/[{}#]/);
      }
    }
  });
});
