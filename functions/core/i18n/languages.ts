/** The six official UN languages, the languages Herald publishes in. */
export const LANGUAGES = ['en', 'zh', 'fr', 'es', 'ru', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Text direction of a language; Arabic is the only right-to-left one. */
export function directionOf(lang: Language): 'ltr' | 'rtl' {
  return lang === 'ar' ? 'rtl' : 'ltr';
}

/**
 * How a press-release page names each language in its language-links line. Pages use the native name
 * (and Chinese pages sometimes the traditional or short form), so each language has a few spellings.
 */
export const LANGUAGE_LINK_NAMES: Readonly<Record<Language, readonly string[]>> = {
  en: ['English'],
  zh: ['简体中文', '中文', '繁體中文'],
  fr: ['Français', 'Francais'],
  es: ['Español', 'Espanol'],
  ru: ['Русский'],
  ar: ['عربي', 'العربية'],
};

/** A language's name in that language ("français", "中文"). */
export function nativeName(lang: Language): string {
  return new Intl.DisplayNames([lang], { type: 'language' }).of(lang) ?? lang;
}
