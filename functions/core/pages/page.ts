import Handlebars from 'handlebars';
import { directionOf, type Language } from '#core/i18n/languages.ts';

const escapeHtml = Handlebars.escapeExpression;

export interface PageContent {
  readonly lang: Language;
  readonly title: string;
  /** Paragraphs of plain text; escaped here. */
  readonly paragraphs: readonly string[];
  /** HTML that was sanitized before it got here (an article body). */
  readonly trustedHtml?: string;
  /** Scripts of Herald's own (module scripts, same origin). */
  readonly scripts?: readonly string[];
  /** An optional one-button form posting back to the same URL. */
  readonly form?: {
    readonly action: string;
    readonly field: string;
    readonly value: string;
    readonly button: string;
  };
}

/** A small, accessible public page in the reader's language and direction. */
export function renderPage(content: PageContent): string {
  const form = content.form
    ? `<form method="post" action="${escapeHtml(content.form.action)}">
  <input type="hidden" name="${escapeHtml(content.form.field)}" value="${escapeHtml(content.form.value)}">
  <button type="submit">${escapeHtml(content.form.button)}</button>
</form>`
    : '';
  return `<!doctype html>
<html lang="${content.lang}" dir="${directionOf(content.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(content.title)}</title>
${(content.scripts ?? []).map((src) => `<script type="module" src="${escapeHtml(src)}"></script>`).join('\n')}
<style>
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1f2328; line-height: 1.6; }
a { color: #0b57d0; }
input, textarea, select { font: inherit; max-width: 100%; }
button { font: inherit; padding: .6rem 1.2rem; background: #0b3d6b; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
.meta { color: #57606a; }
@media print { nav, .actions, form, button { display: none; } a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 90%; } body { margin: 0; max-width: none; } }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(content.title)}</h1>
${content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${content.trustedHtml ?? ''}
${form}
</main>
</body>
</html>
`;
}
