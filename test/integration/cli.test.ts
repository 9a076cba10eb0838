import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { herald } from '../support/cli.ts';
import { mailTo, tempHome, useLocalStack, waitFor } from '../support/local-stack.ts';

const fixture = fileURLToPath(new URL('../fixtures/pages/fr-senegal.txt', import.meta.url));

const local = useLocalStack();

describe('the herald CLI against the running local stack', () => {
  it('adds a confirmed subscriber and publishes a file that reaches them', async () => {
    const added = await herald(
      local.home,
      'subscribers',
      'add',
      'Lecteur@Example.fr',
      '--lang',
      'fr',
      '--confirmed',
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/added r_[0-9a-f]+ \(fr, immediate, confirmed\)/);
    expect(added.stdout).not.toContain('Lecteur');

    const published = await herald(local.home, 'publish', fixture);
    expect(published.stdout).toContain(`s3://${local.stack.config.bucket}/documents/fr-senegal.txt`);
    const [mail] = await waitFor('the French digest', async () => {
      const mails = await mailTo(local.stack, 'Lecteur@example.fr');
      return mails.length > 0 && mails;
    });
    expect(mail!.subject).toBe('Le ministre des Affaires étrangères reçoit son homologue du Sénégal');
  });

  it('refuses a subscriber without --confirmed, and an unknown language, saying what to pass', async () => {
    const unconfirmed = await herald(local.home, 'subscribers', 'add', 'x@example.org', '--lang', 'en');
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain('--confirmed');
    const badLang = await herald(
      local.home,
      'subscribers',
      'add',
      'x@example.org',
      '--lang',
      'de',
      '--confirmed',
    );
    expect(badLang.code).not.toBe(0);
    expect(badLang.stderr).toMatch(/Allowed choices are en, zh, fr, es, ru, ar/);
  });

  it('says how to start the stack when it is not running', async () => {
    const { home: empty, remove } = await tempHome();
    const result = await herald(empty, 'publish', fixture);
    await remove();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not running.*npm start/);
  });
});
