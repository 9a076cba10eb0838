import { ImmediateMailing } from '#core/digests/immediate-mailing.ts';
import { ingestDocument } from '#core/documents/ingest.ts';
import type { ObjectChange } from '#core/documents/s3-notification.ts';
import { documentFixtures, fixtureDocument } from '../support/documents.ts';
import { MemoryArticleStore, MemoryBucket } from '../support/fakes/documents.ts';
import { hostileCorpus } from '../support/hostile-documents.ts';

const settings = {
  documentsPrefix: 'documents/',
  maxDocumentBytes: 1024 * 1024,
  timeZone: 'Europe/Paris',
};
const created = (key: string, size: number): ObjectChange => ({
  kind: 'created',
  eventName: 'ObjectCreated:Put',
  bucket: 'b',
  key,
  size,
});
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/**
 * Ingest's own work (decode, parse, sanitize, summarise, store — the stores in memory, so only Herald's
 * CPU counts): documents per second over the valid fixtures of every format in six languages, and the
 * slowest document of the hostile corpus, with what became of it.
 */
export async function ingest() {
  const run = async (key: string, body: Buffer) => {
    const bucket = new MemoryBucket();
    bucket.put(key, body);
    const articles = new MemoryArticleStore();
    const start = performance.now();
    const outcome = await ingestDocument(
      { documents: bucket, quarantine: bucket, articles, mailing: new ImmediateMailing(articles) },
      settings,
      created(key, body.length),
      new Date(),
    );
    return { ms: performance.now() - start, outcome };
  };
  const valid = documentFixtures.map((d) => ({
    key: `documents/${d.file.replace(/\//g, '-')}`,
    body: fixtureDocument(d.file),
  }));
  for (const d of valid) await run(d.key, d.body);
  const rounds = 20;
  const start = performance.now();
  for (let i = 0; i < rounds; i++)
    for (const d of valid) {
      const { outcome } = await run(d.key, d.body);
      if (outcome.kind !== 'stored') throw new Error(`${d.key} was not stored: ${JSON.stringify(outcome)}`);
    }
  const seconds = (performance.now() - start) / 1000;

  let worst = { name: '', ms: 0, outcome: '' };
  const hostile: Record<string, number> = {};
  for (const document of hostileCorpus()) {
    const { ms, outcome } = await run(document.key, document.body);
    hostile[document.name] = round(ms);
    if (ms > worst.ms)
      worst = {
        name: document.name,
        ms,
        outcome: outcome.kind === 'quarantined' ? `quarantined: ${outcome.reason}` : outcome.kind,
      };
  }
  return {
    scenario: 'ingest',
    validDocuments: valid.length,
    formats: [...new Set(valid.map((d) => d.key.split('.').at(-1)))],
    documentsPerSecond: round((valid.length * rounds) / seconds),
    hostileDocuments: Object.keys(hostile).length,
    worstHostileMs: round(worst.ms),
    worstHostile: worst.name,
    worstHostileOutcome: worst.outcome,
    ...(process.env.HERALD_BENCH_STAGES ? { hostileMs: hostile } : {}),
  };
}
