import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { digestIdFor } from '#core/digests/digest.ts';
import { personalize } from '#core/digests/personalize.ts';
import { renderDigest } from '#core/digests/render-digest.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import { decodeDocument } from '#core/documents/decode.ts';
import { readKey, sha256Hex } from '#core/documents/keys.ts';
import { parseDocument } from '#core/documents/parse-document.ts';
import { summarize } from '#core/documents/summary.ts';
import { DocumentRejectedError } from '#core/errors.ts';
import { LANGUAGES, type Language } from '#core/i18n/languages.ts';

export function previewCommand(): Command {
  return new Command('preview')
    .description(
      'render the digest these documents would make, without sending anything (no running stack needed)',
    )
    .argument('<files...>', 'documents in any supported format')
    .addOption(new Option('--lang <lang>', 'only the digest for readers of this language').choices(LANGUAGES))
    .option('--out <dir>', 'where to write <lang>.html and <lang>.txt', 'preview')
    .option(
      '--publisher <name>',
      'the publisher name shown in the mail',
      process.env.HERALD_PUBLISHER_NAME ?? 'Herald',
    )
    .option(
      '--base-url <url>',
      'the public base URL of links',
      process.env.HERALD_PUBLIC_BASE_URL ?? 'https://news.example.org/',
    )
    .action(
      async (
        files: string[],
        options: { lang?: Language; out: string; publisher: string; baseUrl: string },
      ) => {
        const versions: ArticleVersion[] = [];
        for (const file of files) {
          const bytes = await readFile(file).catch(() => {
            throw new Error(`cannot read ${file}`);
          });
          const facts = readKey(path.basename(file));
          try {
            const parsed = parseDocument(
              file,
              decodeDocument(bytes),
              facts.langHint,
              process.env.HERALD_TIME_ZONE ?? 'UTC',
            );
            versions.push({
              ...parsed,
              articleId: parsed.articleId ?? facts.articleId,
              summary: parsed.summary ?? summarize(parsed.paragraphs, parsed.lang),
              sourceKey: file,
              contentHash: sha256Hex(bytes),
              timeZone: process.env.HERALD_TIME_ZONE ?? 'UTC',
              ingestedAt: new Date().toISOString(),
            });
          } catch (error) {
            if (!(error instanceof DocumentRejectedError)) throw error;
            console.error(`${file}: would be quarantined — ${error.reason}: ${error.message}`);
          }
        }
        const langs = [...new Set(versions.map((v) => v.lang))].filter(
          (l) => !options.lang || l === options.lang,
        );
        if (langs.length === 0) throw new Error('no document makes a digest for that language');
        await mkdir(options.out, { recursive: true });
        const templates = new FileTemplateSource(process.env.HERALD_TEMPLATES_DIR);
        for (const lang of langs) {
          const articles = versions.filter((v) => v.lang === lang);
          const rendered = await renderDigest(
            { id: digestIdFor('immediate', lang, articles), cadence: 'immediate', lang, articles },
            templates,
            {
              publisher: options.publisher,
              publicBaseUrl: options.baseUrl,
              postalAddress: process.env.HERALD_POSTAL_ADDRESS,
            },
            (id) => versions.filter((v) => v.articleId === id),
          );
          const mail = personalize(rendered, {
            unsubscribeUrl: new URL('unsubscribe?t=preview', options.baseUrl).toString(),
            preferencesUrl: new URL('preferences?t=preview', options.baseUrl).toString(),
          });
          await writeFile(path.join(options.out, `${lang}.html`), mail.html);
          await writeFile(path.join(options.out, `${lang}.txt`), `Subject: ${mail.subject}\n\n${mail.text}`);
          console.log(
            `${lang}: "${mail.subject}" → ${path.join(options.out, `${lang}.html`)} and ${lang}.txt`,
          );
        }
      },
    );
}
