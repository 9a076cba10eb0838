import { afterAll, describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import type { LocalStack } from '#local/stack.ts';
import { fixturePage } from '../support/fixtures.ts';
import {
  addReader,
  freePorts,
  mailTo,
  startTestStack,
  tempHome,
  upload,
  waitFor,
} from '../support/local-stack.ts';

const { home, remove } = await tempHome();
let stack: LocalStack | undefined;
afterAll(async () => {
  await stack?.stop();
  await remove();
});

describe('stopping and starting the local stack', () => {
  it('keeps subscribers and resumes a document accepted just before the stop: mailed once, not lost', async () => {
    const ports = await freePorts();
    stack = await startTestStack(home, ports);
    const reader = await addReader(stack, 'resume@example.org', 'en');

    await upload(stack, 'documents/resume/en.txt', fixturePage('en-state-visit.txt'));
    await stack.stop();

    stack = await startTestStack(home, ports);
    const store = new DynamoSubscriberStore(stack.config.table);
    expect((await store.get(reader.id))?.status).toBe('confirmed');
    await waitFor(
      'the digest after the restart',
      async () => (await mailTo(stack!, 'resume@example.org')).length > 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await mailTo(stack, 'resume@example.org')).toHaveLength(1);
  });

  it('does not mail the same document again after a restart', async () => {
    await upload(stack!, 'documents/resume/en.txt', fixturePage('en-state-visit.txt'));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await mailTo(stack!, 'resume@example.org')).toHaveLength(1);
  });
});
