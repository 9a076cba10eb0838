import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Language } from '#core/i18n/languages.ts';
import type { SubscriberStore } from '#core/subscriptions/ports.ts';
import type { Cadence, Subscriber } from '#core/subscriptions/subscriber.ts';

const reader = (overrides: Partial<Subscriber> = {}): Subscriber => {
  const id = `s_${randomUUID().replaceAll('-', '')}`;
  return {
    id,
    email: `${id}@example.org`,
    status: 'confirmed',
    lang: 'fr',
    cadence: 'weekly',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
};

/** Every id of an audience, page after page. */
async function audience(store: SubscriberStore, lang: Language, cadence: Cadence, alsoOriginalOnly = false) {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.pageAudience(lang, cadence, 2, cursor, alsoOriginalOnly);
    ids.push(...page.subscribers.map((s) => s.id));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}

/** What every subscriber store does, the in-memory fake and the DynamoDB adapter alike. */
export function subscriberStoreContract(store: () => SubscriberStore) {
  it('gives back what was put, one or many, and nothing for an unknown id', async () => {
    const subscribers = store();
    const [a, b] = [reader(), reader({ lang: 'ru', cadence: 'daily' })];
    await subscribers.put(a);
    await subscribers.put(b);
    expect(await subscribers.get(a.id)).toMatchObject({
      id: a.id,
      email: a.email,
      lang: 'fr',
      cadence: 'weekly',
    });
    const many = await subscribers.getMany([a.id, b.id, 'nobody']);
    expect([...many.keys()].sort()).toEqual([a.id, b.id].sort());
    expect(await subscribers.get('nobody')).toBeUndefined();
  });

  it('pages the confirmed readers of a language and cadence, each once, and no one else', async () => {
    const subscribers = store();
    const wanted = [reader(), reader(), reader(), reader({ alsoOriginalLanguage: true })];
    const others = [reader({ status: 'pending' }), reader({ lang: 'es' }), reader({ cadence: 'daily' })];
    for (const s of [...wanted, ...others]) await subscribers.put(s);
    const ids = await audience(subscribers, 'fr', 'weekly');
    const ours = ids.filter((id) => [...wanted, ...others].some((s) => s.id === id));
    expect(ours.sort()).toEqual(wanted.map((s) => s.id).sort());
    const originals = await audience(subscribers, 'fr', 'weekly', true);
    expect(originals.filter((id) => wanted.some((s) => s.id === id))).toEqual([wanted[3]!.id]);
  });

  it('a changed status takes a reader out of the audience, and a deleted one is gone', async () => {
    const subscribers = store();
    const [a, b] = [reader(), reader()];
    await subscribers.put(a);
    await subscribers.put(b);
    await subscribers.setStatus(a.id, 'unsubscribed', new Date('2026-02-01T00:00:00Z'));
    expect(await subscribers.get(a.id)).toMatchObject({ status: 'unsubscribed' });
    await subscribers.delete(b.id);
    expect(await subscribers.get(b.id)).toBeUndefined();
    const ids = await audience(subscribers, 'fr', 'weekly');
    expect(ids.filter((id) => id === a.id || id === b.id)).toEqual([]);
  });
}
