import type { Language } from '#core/i18n/languages.ts';
import { cadenceChoices, languageChoices } from '#core/pages/choices.ts';
import type { PageView } from '#core/pages/render.ts';
import type { Subscriber } from '#core/subscriptions/subscriber.ts';

type Strings = (key: string) => string;

/** Where subscribing asks for a proof of work: Herald's own form (`page`), the API too (`all`), or nowhere. */
export type ProofPolicy = 'page' | 'all' | 'off';

/** Whether a subscribe request through this door (the API, or the page's form) must carry a proof. */
export const proofRequired = (policy: ProofPolicy, door: 'api' | 'page') =>
  policy === 'all' || (policy === 'page' && door === 'page');

/** `templates/pages/subscribe.hbs`: the form (with the proof-of-work widget when asked for), or a notice. */
export function subscribeView(lang: Language, t: Strings, proof: boolean, notice?: string): PageView {
  const widget = proof && !notice;
  return {
    ...{ lang, t, title: t('subscribeTitle'), paragraphs: [t('subscribeIntro')], notice, proof: widget },
    ...{ languages: languageChoices(lang), cadences: cadenceChoices(t) },
    scripts: widget ? ['/assets/altcha.js'] : [],
  };
}

/** `templates/pages/preferences.hbs`: the reader's choices as they stand, and what was just done. */
export function preferencesView(
  subscriber: Subscriber,
  t: Strings,
  links: { action: string; unsubscribeUrl: string },
  notice?: 'prefsSaved' | 'linkSent',
): PageView {
  const { lang } = subscriber;
  return {
    ...{ lang, t, ...links, title: t('prefsTitle'), paragraphs: notice ? [t(notice)] : [] },
    ...{ languages: languageChoices(lang), cadences: cadenceChoices(t, subscriber.cadence) },
    ...{ topics: (subscriber.topics ?? []).join(', '), alsoOriginal: subscriber.alsoOriginalLanguage },
  };
}
