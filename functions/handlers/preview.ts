import { pagesFromEnv } from '#builders/site.ts';
import { env } from '#config/env.ts';
import { HttpError } from '#core/errors.ts';
import { isLanguage, LANGUAGES, nativeName } from '#core/i18n/languages.ts';
import { MAIL_TEMPLATES, type MailTemplate } from '#core/mail/render-mail.ts';
import { renderSample } from '#core/mail/samples.ts';
import { html } from '#handlers/shared/http.ts';
import { httpHandler } from '#handlers/shared/http-edge.ts';

const site = pagesFromEnv({
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_POSTAL_ADDRESS: env.HERALD_POSTAL_ADDRESS,
});
const { config, templates } = site;
const settings = {
  publisher: site.publisher,
  publicBaseUrl: config.HERALD_PUBLIC_BASE_URL,
  postalAddress: config.HERALD_POSTAL_ADDRESS ?? '1 Sample Street, Sample City',
};
const languages = LANGUAGES.map((code) => ({ code, name: nativeName(code) }));
const views = MAIL_TEMPLATES.map((name) => ({ name }));

/**
 * Local only: `GET /preview` lists every mail template in every language, `GET /preview/<template>/<lang>`
 * shows one rendered with sample data (and `?part=text` its text part).
 */
export const handler = httpHandler(
  'preview',
  async (event) => {
    const match = /^\/preview(?:\/([a-z]+)\/([a-z]{2}))?\/?$/.exec(event.rawPath);
    if (!match) throw new HttpError(404, 'no preview here: see /preview');
    const [, template, lang] = match;
    if (!template) {
      const title = 'Mail templates';
      const paragraphs = ['Every template in every language, rendered with sample data.'];
      return site.pages('preview', { lang: 'en', title, paragraphs, templates: views, languages });
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
    return html(200, sample.html, "default-src 'none'; style-src 'unsafe-inline'");
  },
  { errorPage: site.statusPage },
);
