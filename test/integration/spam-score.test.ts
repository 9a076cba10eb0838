import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { LANGUAGES } from '#core/i18n/languages.ts';
import { MAIL_TEMPLATES } from '#core/mail/render-mail.ts';
import { renderSample } from '#core/mail/samples.ts';

const SPAMASSASSIN = '/usr/bin/spamassassin';
const hasSpamAssassin = existsSync(SPAMASSASSIN);
if (!hasSpamAssassin)
  console.info('spam-score tests skipped: no SpamAssassin (apt-get install spamassassin, as .ci/run does)');

/** Rules that only say this mail was not relayed by SMTP to get here (a local test has no relays). */
const LOCAL_ONLY = new Set(['NO_RECEIVED', 'NO_RELAYS', 'WEIRD_PORT']);
const run = promisify(execFile);
const templates = new FileTemplateSource();

/**
 * Every mail kind in every language, as MIME the way a mail server receives it, scored by SpamAssassin's
 * local rules — with the settings of `npm start` (publisher "Herald", links to the local web server, no
 * postal address).
 */
async function score(template: (typeof MAIL_TEMPLATES)[number], lang: (typeof LANGUAGES)[number]) {
  const sample = await renderSample(
    templates,
    template,
    lang,
    { publisher: 'Herald', publicBaseUrl: 'http://127.0.0.1:3000/' },
    3,
  );
  const mail = new MailComposer({
    from: 'Herald <digest@herald.example.org>',
    to: 'reader@example.org',
    subject: sample.subject,
    html: sample.html,
    text: sample.text,
    headers: {
      'List-Unsubscribe': '<http://127.0.0.1:3000/unsubscribe?t=k1.r_0123456789abcdef01234567..abc>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  });
  const raw = await new Promise<Buffer>((resolve, reject) =>
    mail.compile().build((error, message) => (error ? reject(error) : resolve(message))),
  );
  const child = run(SPAMASSASSIN, ['-L', '-t'], { maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin!.end(raw);
  const { stdout } = await child.catch((error: { stdout: string }) => error);
  const report = stdout.slice(stdout.indexOf('---- ----'));
  const rules = [...report.matchAll(/^\s*(-?\d+(?:\.\d+)?) ([A-Z0-9_]+)/gm)].map((m) => ({
    rule: m[2]!,
    points: Number(m[1]),
  }));
  return rules.filter((r) => !LOCAL_ONLY.has(r.rule));
}

describe.skipIf(!hasSpamAssassin)('(needs SpamAssassin) every mail, in every language', () => {
  it.each(MAIL_TEMPLATES.flatMap((template) => LANGUAGES.map((lang) => [template, lang] as const)))(
    '%s in %s scores under 1.0',
    async (template, lang) => {
      const rules = await score(template, lang);
      const total = rules.reduce((sum, r) => sum + r.points, 0);
      expect(total, rules.map((r) => `${r.rule} ${r.points}`).join(', ')).toBeLessThan(1.0);
      expect(rules.map((r) => r.rule)).not.toContain('HTML_FONT_LOW_CONTRAST');
    },
    60_000,
  );
});
