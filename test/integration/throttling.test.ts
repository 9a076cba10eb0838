import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureDocument } from '../support/documents.ts';
import { type FaultProxy, startSesFaultProxy, THROTTLED } from '../support/fault-proxy.ts';
import {
  addReader,
  outbox,
  sendDeadLetters,
  upload,
  useLocalStack,
  waitFor,
} from '../support/local-stack.ts';

// Read by the sender when it first loads, in this process: a throttled job comes back after about a second.
process.env.HERALD_THROTTLE_DEFER_SECONDS = '1';

const local = useLocalStack();
let proxy: FaultProxy;
/** How many calls in every ten are refused, back to back. */
let refusedInTen = 3;

/** The fault proxy refuses the first `refusedInTen` of every ten SendEmail calls, as SES throttles. */
beforeAll(async () => {
  proxy = await startSesFaultProxy(local.stack.config.endpoints.sesv2, (call) =>
    call % 10 < refusedInTen ? THROTTLED : undefined,
  );
  process.env.AWS_ENDPOINT_URL_SESV2 = proxy.url;
});
afterAll(() => proxy?.close());

describe('when SES throttles 30 % of calls', () => {
  it('every reader still gets exactly one mail, and nothing ends in the dead-letter queue', async () => {
    const readers = Array.from({ length: 40 }, (_, i) => `throttled${i}@example.org`);
    for (const email of readers) await addReader(local.stack, email, 'en');
    await upload(local.stack, 'documents/grain/en.md', fixtureDocument('markdown/grain-corridor.en.md'));

    const delivered = async () => {
      const mails = await outbox(local.stack);
      return readers.map((email) => mails.filter((m) => m.destination.to.includes(email)).length);
    };
    await waitFor('every reader', async () => (await delivered()).every((n) => n >= 1), 45_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await delivered()).toEqual(readers.map(() => 1));
    expect(proxy.refused.length).toBeGreaterThan(10);

    expect(await sendDeadLetters(local.stack)).toBe(0);
  });

  it('defers what throttling holds up for longer than the retries, and still mails everyone once', async () => {
    // Six refusals in a row outlast the sender's retries: the rest of the job must come back later.
    refusedInTen = 6;
    const readers = Array.from({ length: 30 }, (_, i) => `deferred${i}@example.org`);
    for (const email of readers) await addReader(local.stack, email, 'fr');
    await upload(local.stack, 'documents/grain/fr.md', fixtureDocument('markdown/grain-corridor.fr.md'));
    const delivered = async () => {
      const mails = await outbox(local.stack);
      return readers.map((email) => mails.filter((m) => m.destination.to.includes(email)).length);
    };
    await waitFor('every reader', async () => (await delivered()).every((n) => n >= 1), 50_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await delivered()).toEqual(readers.map(() => 1));
  });
});
