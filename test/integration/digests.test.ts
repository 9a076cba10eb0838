import { describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { herald } from '../support/cli.ts';
import { fixtureDocument } from '../support/documents.ts';
import { addReader, mailTo, upload, useLocalStack, waitFor } from '../support/local-stack.ts';

const local = useLocalStack();
const hrefs = (html: string) =>
  [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&').replaceAll('&#x3D;', '='));

describe('digests on the local stack', () => {
  it('puts documents uploaded together into one immediate digest, and a daily digest gathers them on demand', async () => {
    await addReader(local.stack, 'now@example.org', 'en');
    await addReader(local.stack, 'daily@example.org', 'en', 'daily');
    await Promise.all([
      upload(local.stack, 'documents/harbour/en.md', fixtureDocument('markdown/harbour-forum.en.md')),
      upload(local.stack, 'documents/grain/en.json', fixtureDocument('json/grain-corridor.en.json')),
    ]);
    const [mail] = await waitFor('the immediate digest', async () => {
      const mails = await mailTo(local.stack, 'now@example.org');
      return mails.length > 0 && mails;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await mailTo(local.stack, 'now@example.org')).toHaveLength(1);
    expect(mail!.subject).toBe('Herald: 2 new articles');
    expect(await mailTo(local.stack, 'daily@example.org')).toHaveLength(0);

    const run = await herald(local.home, 'digest', 'run', '--cadence', 'daily');
    expect(run.stdout).toContain('daily digest: 2 articles');
    const [daily] = await waitFor('the daily digest', async () => {
      const mails = await mailTo(local.stack, 'daily@example.org');
      return mails.length > 0 && mails;
    });
    expect(daily!.subject).toBe('Herald: your daily digest');
    expect((await herald(local.home, 'digest', 'run', '--cadence', 'daily')).stdout).toContain(
      'skipped: nothing new',
    );
  });

  it('links a forwardable web version of the digest, without any personal link', async () => {
    const [mail] = await mailTo(local.stack, 'now@example.org');
    const view = hrefs(mail!.body.html!).find((href) => href.includes('/digests/'))!;
    const page = await fetch(view);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('Foreign Minister Opens the Harbour Cities Forum');
    expect(body).toContain('Spokesperson Comments on the Grain Corridor Agreement');
    expect(body).not.toMatch(/unsubscribe\?t=|preferences\?t=/);
  });

  it('links every article to its web version, print view and archive, and they answer', async () => {
    const [mail] = await mailTo(local.stack, 'now@example.org');
    const links = hrefs(mail!.body.html!).filter((href) => href.startsWith(local.stack.config.endpoints.web));
    expect(links.some((href) => href.endsWith('/articles/harbour-forum/en'))).toBe(true);
    expect(links.some((href) => href.endsWith('/articles/harbour-forum/en?view=print'))).toBe(true);
    for (const href of links) expect((await fetch(href)).status, href).toBe(200);
    const archive = await (await fetch(`${local.stack.config.endpoints.web}archive/en`)).text();
    expect(archive).toContain('Foreign Minister Opens the Harbour Cities Forum');
  });

  it('opens the preference center from the mail, where a reader changes cadence', async () => {
    const [mail] = await mailTo(local.stack, 'now@example.org');
    const preferences = hrefs(mail!.body.html!).find((href) => href.includes('/preferences?t='))!;
    const page = await fetch(preferences);
    expect(await page.text()).toContain('<legend>How often</legend>');
    const saved = await fetch(preferences, {
      method: 'POST',
      body: new URLSearchParams({ lang: 'fr', cadence: 'weekly' }),
    });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('Vos préférences sont enregistrées.');
    const store = new DynamoSubscriberStore(local.stack.config.table);
    const id = new URL(preferences).searchParams.get('t')!.split('.')[1]!;
    expect(await store.get(id)).toMatchObject({ lang: 'fr', cadence: 'weekly', status: 'confirmed' });
    const refused = await fetch(preferences, {
      method: 'POST',
      body: new URLSearchParams({ lang: 'xx', cadence: 'hourly' }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/choose one of the six languages/);
  });

  it('shows every template in every language on the preview page', async () => {
    const index = await (await fetch(`${local.stack.config.endpoints.web}preview`)).text();
    expect(index.match(/href="\/preview\/[a-z]+\/[a-z]{2}"/g)).toHaveLength(30);
    const arabic = await (await fetch(`${local.stack.config.endpoints.web}preview/digest/ar`)).text();
    expect(arabic).toMatch(/<html lang="ar" dir="rtl"/);
  });
});
