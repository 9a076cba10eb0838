import Handlebars from 'handlebars';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { env, readEnv } from '#config/env.ts';
import { HttpError } from '#core/errors.ts';
import { isLanguage, LANGUAGES, nativeName } from '#core/i18n/languages.ts';
import { MAIL_TEMPLATES, type MailTemplate } from '#core/mail/render-mail.ts';
import { renderSample } from '#core/mail/samples.ts';
import { renderPage } from '#core/pages/page.ts';
import { html, withHttpErrors } from '#handlers/shared/http.ts';

const config = readEnv({
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_PUBLISHER_NAME: env.HERALD_PUBLISHER_NAME,
  HERALD_POSTAL_ADDRESS: env.HERALD_POSTAL_ADDRESS,
  HERALD_TEMPLATES_DIR: env.HERALD_TEMPLATES_DIR,
});
const templates = new FileTemplateSource(config.HERALD_TEMPLATES_DIR);
const settings = {
  publisher: config.HERALD_PUBLISHER_NAME,
  publicBaseUrl: config.HERALD_PUBLIC_BASE_URL,
  postalAddress: config.HERALD_POSTAL_ADDRESS ?? '1 Sample Street, Sample City',
};
const escapeHtml = Handlebars.escapeExpression;

/**
 * Local only: `GET /preview` lists every mail template in every language, `GET /preview/<template>/<lang>`
 * shows one rendered with sample data (and `?part=text` its text part).
 */
export const handler = withHttpErrors(
  async (event) => {
    const match = /^\/preview(?:\/([a-z]+)\/([a-z]{2}))?\/?$/.exec(event.rawPath);
    if (!match) throw new HttpError(404, 'no preview here: see /preview');
    const [, template, lang] = match;
    if (!template) {
      const rows = MAIL_TEMPLATES.map(
        (name) =>
          `<tr><th scope="row">${name}</th>${LANGUAGES.map((code) => `<td><a href="/preview/${name}/${code}" lang="${code}">${escapeHtml(nativeName(code))}</a> <a href="/preview/${name}/${code}?part=text">(text)</a></td>`).join('')}</tr>`,
      ).join('\n');
      return html(
        200,
        renderPage({
          lang: 'en',
          title: 'Mail templates',
          paragraphs: ['Every template in every language, rendered with sample data.'],
          trustedHtml: `<table><tbody>\n${rows}\n</tbody></table>`,
        }),
      );
    }
    if (!(MAIL_TEMPLATES as readonly string[]).includes(template) || !isLanguage(lang)) {
      throw new HttpError(404, `no such template or language: templates are ${MAIL_TEMPLATES.join(', ')}`);
    }
    const sample = await renderSample(
      templates,
      template as MailTemplate,
      lang,
      settings,
      template === 'digest' ? 3 : 1,
    );
    if (event.queryStringParameters?.part === 'text') {
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: `Subject: ${sample.subject}\n\n${sample.text}`,
      };
    }
    const response = html(200, sample.html);
    return {
      ...response,
      headers: {
        ...response.headers,
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      },
    };
  },
  (_status, message) => renderPage({ lang: 'en', title: 'Not found', paragraphs: [message] }),
);
