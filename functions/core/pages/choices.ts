import { LANGUAGES, type Language, nativeName } from '#core/i18n/languages.ts';
import { CADENCE_LABELS, CADENCES, type Cadence } from '#core/subscriptions/subscriber.ts';

/** The six languages as a page offers them (a switcher, a select), `current` marked. */
export function languageChoices(current: Language) {
  return LANGUAGES.map((code) => ({ code, name: nativeName(code), current: code === current }));
}

/** The cadences as radio buttons, labelled in the page's language, `current` checked. */
export function cadenceChoices(t: (key: string) => string, current?: Cadence) {
  return CADENCES.map((value) => ({ value, label: t(CADENCE_LABELS[value]), current: value === current }));
}
