import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { fixtureDocument } from '../support/documents.ts';
import { upload, useLocalStack, waitFor } from '../support/local-stack.ts';

// Read by the handlers when they first load, in this process: a publisher in Paris (UTC+2 in May).
process.env.HERALD_TIME_ZONE = 'Europe/Paris';
process.env.HERALD_PUBLISHER_NAME = 'Ministère des Affaires étrangères';

const local = useLocalStack();
const web = () => local.stack.config.endpoints.web;

describe('the home page', () => {
  it('names the publisher, lists the six archives with their latest articles and subscribe links, and on the local stack the outbox', async () => {
    await upload(local.stack, 'documents/harbour/en.md', fixtureDocument('markdown/harbour-forum.en.md'));
    await upload(local.stack, 'documents/harbour/ar.md', fixtureDocument('markdown/harbour-forum.ar.md'));
    await waitFor(
      'the articles',
      async () => (await fetch(`${web()}articles/harbour-forum/ar`)).status === 200,
    );
    const response = await fetch(web());
    expect(response.status).toBe(200);
    const $ = cheerio.load(await response.text());
    expect($('h1').text()).toBe('Ministère des Affaires étrangères');
    const sections = $('section[aria-labelledby^="lang-"]');
    expect(sections.map((_, s) => $(s).attr('lang')).get()).toEqual(['en', 'zh', 'fr', 'es', 'ru', 'ar']);
    expect($('section[lang=ar]').attr('dir')).toBe('rtl');
    expect($('section[lang=en] li a').first().text()).toBe('Foreign Minister Opens the Harbour Cities Forum');
    expect($('section[lang=fr] .meta').text()).toBe('Rien n’a encore été publié.');
    for (const lang of ['en', 'zh', 'fr', 'es', 'ru', 'ar'])
      expect($(`section[lang=${lang}] a[href$="subscribe?lang=${lang}"]`).length, lang).toBe(1);
    expect($(`a[href="${local.stack.config.endpoints.outbox}"]`).length).toBe(1);
    expect($('a[href$="/preview"]').length).toBe(1);
    expect(
      (await fetch(`${web()}?lang=ru`).then((r) => r.text())).includes('<html lang="ru" dir="ltr">'),
    ).toBe(true);
  });
});

describe('the Atom feed', () => {
  it("is valid RFC 4287: an author, ids, titles, and instants with their offset in the publisher's time zone", async () => {
    await waitFor(
      'the article',
      async () => (await fetch(`${web()}articles/harbour-forum/en`)).status === 200,
    );
    const response = await fetch(`${web()}archive/en/feed.atom`);
    expect(response.headers.get('content-type')).toContain('application/atom+xml');
    const $ = cheerio.load(await response.text(), { xml: true });
    const feed = $('feed');
    expect(feed.attr('xmlns')).toBe('http://www.w3.org/2005/Atom');
    expect(feed.attr('xml:lang')).toBe('en');
    // atom:feed has exactly one id, title and updated; an author (here for the feed, so for every entry).
    for (const element of ['id', 'title', 'updated']) expect(feed.children(element).length, element).toBe(1);
    expect(feed.children('author').children('name').text()).toBe('Ministère des Affaires étrangères');
    expect(feed.children('link[rel=self]').attr('href')).toBe(`${web()}archive/en/feed.atom`);
    const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
    expect(feed.children('updated').text()).toMatch(rfc3339);
    const entries = feed.children('entry');
    expect(entries.length).toBe(1);
    const entry = entries.first();
    for (const element of ['id', 'title', 'updated']) expect(entry.children(element).length, element).toBe(1);
    expect(entry.children('id').text()).toBe(`${web()}articles/harbour-forum/en`);
    expect(entry.children('link').attr('href')).toBe(`${web()}articles/harbour-forum/en`);
    // Published "2026-05-12 09:00" in Paris, summer time: 07:00 UTC — not 09:00 with a Z.
    const updated = entry.children('updated').text();
    expect(updated).toMatch(rfc3339);
    expect(new Date(updated).toISOString()).toBe('2026-05-12T07:00:00.000Z');
    expect(new Date(entry.children('published').text()).toISOString()).toBe('2026-05-12T07:00:00.000Z');
  });
});
