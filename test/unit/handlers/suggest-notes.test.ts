import { describe, expect, it, vi } from 'vitest';

// The suggest handler as it loads with notes switched off (HERALD_SUGGEST_NOTES=false): nothing here
// reaches AWS, because a note is refused before the proof of work is even looked at.
const environment = {
  HERALD_TABLE: 'herald',
  HERALD_PUBLIC_BASE_URL: 'https://news.example.org/',
  HERALD_PUBLIC_MAIL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/public-mail',
  HERALD_TOKEN_KEYS: JSON.stringify({ current: 'k1', k1: 'b'.repeat(40) }),
  HERALD_ADDRESS_KEY: 'c'.repeat(40),
  HERALD_SUGGEST_NOTES: 'false',
};

const post = (body: object) => ({
  version: '2.0',
  rawPath: '/api/suggest',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
  isBase64Encoded: false,
  requestContext: { http: { method: 'POST', path: '/api/suggest', sourceIp: '203.0.113.1' } },
});

describe('notes switched off by configuration', () => {
  it('refuse a suggestion that carries a note, saying so', async () => {
    for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
    vi.resetModules();
    const { handler } = await import('#handlers/suggest.ts');
    const suggestion = {
      article: 'grain-corridor',
      language: 'en',
      senderName: 'Ada',
      senderEmail: 'ada@example.org',
      friendEmails: ['friend@example.org'],
    };
    const withNote = await handler(post({ ...suggestion, note: 'hello' }) as never);
    expect(withNote.statusCode).toBe(400);
    expect(JSON.parse(withNote.body!).message).toMatch(/notes are switched off/);
    // Without a note it goes on to the proof of work, which this request lacks.
    const without = await handler(post(suggestion) as never);
    expect(without.statusCode).toBe(400);
    expect(JSON.parse(without.body!).message).toMatch(/proof of work is missing/);
    vi.unstubAllEnvs();
  });
});
