import Handlebars from 'handlebars';
import { directionOf, type Language } from '#core/i18n/languages.ts';
import type { TemplateSource } from '#core/mail/ports.ts';

/** The pages of `templates/pages/`, each rendered inside `layout.hbs`. */
export const PAGES = [
  'message',
  'home',
  'subscribe',
  'preferences',
  'article',
  'archive',
  'preview',
] as const;
export type PageName = (typeof PAGES)[number];
const PARTIALS = ['language-switcher', 'article-list', 'button-form'] as const;

/** What every page has; a page's template reads the rest of its view. */
export interface PageView {
  readonly lang: Language;
  readonly title: string;
  /** Paragraphs of plain text under the heading. */
  readonly paragraphs?: readonly string[];
  /** Scripts of Herald's own (module scripts, same origin). */
  readonly scripts?: readonly string[];
  /** `{{t "key"}}` in a template: the page's string for `key`. */
  readonly t?: (key: string) => string;
  readonly [field: string]: unknown;
}

export type PageRenderer = (name: PageName, view: PageView) => Promise<string>;

/**
 * One renderer for every public page: Handlebars, which escapes every `{{value}}`; only `{{{…}}}` is
 * raw, and only the layout (the page's own rendered body) and the article page (its sanitized body)
 * use it. Templates are compiled once per source.
 */
export function pageRenderer(templates: TemplateSource): PageRenderer {
  const compiled = new Map<string, Promise<HandlebarsTemplateDelegate>>();
  const environment = (async () => {
    const handlebars = Handlebars.create();
    handlebars.registerHelper('dir', (lang: Language) => directionOf(lang));
    handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    handlebars.registerHelper('t', (key: string, options: Handlebars.HelperOptions) => {
      const t = (options.data.root as PageView).t;
      if (!t) throw new Error(`the page has no strings for {{t "${key}"}}`);
      return t(key);
    });
    for (const name of PARTIALS)
      handlebars.registerPartial(name, await templates.read(`pages/partials/${name}.hbs`));
    return handlebars;
  })();
  const template = (name: string) => {
    let found = compiled.get(name);
    if (!found) {
      found = Promise.all([environment, templates.read(`pages/${name}.hbs`)]).then(([handlebars, source]) =>
        handlebars.compile(source, { strict: false }),
      );
      found.catch(() => compiled.delete(name));
      compiled.set(name, found);
    }
    return found;
  };
  return async (name, view) => {
    const [page, layout] = await Promise.all([template(name), template('layout')]);
    return layout({ ...view, body: page(view) });
  };
}
