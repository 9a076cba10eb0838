import { describe, expect, it } from 'vitest';
import { env, parseTokenKeys, readEnv } from '#config/env.ts';
import { ConfigError } from '#core/errors.ts';

describe('configuration read at cold start', () => {
  it('names each variable that is missing or wrong', () => {
    const read = () =>
      readEnv(
        { HERALD_TABLE: env.HERALD_TABLE, HERALD_SEND_QUEUE_URL: env.HERALD_SEND_QUEUE_URL },
        { HERALD_SEND_QUEUE_URL: 'not a url' },
      );
    expect(read).toThrow(ConfigError);
    expect(read).toThrowError(/HERALD_TABLE: required/);
    expect(read).toThrowError(/HERALD_SEND_QUEUE_URL: must be the URL of the send queue/);
  });

  it('applies defaults and freezes the result', () => {
    const config = readEnv(
      { HERALD_DOCUMENTS_PREFIX: env.HERALD_DOCUMENTS_PREFIX, HERALD_TIME_ZONE: env.HERALD_TIME_ZONE },
      {},
    );
    expect(config).toEqual({ HERALD_DOCUMENTS_PREFIX: 'documents/', HERALD_TIME_ZONE: 'UTC' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('refuses a time zone that does not exist', () => {
    expect(() =>
      readEnv({ HERALD_TIME_ZONE: env.HERALD_TIME_ZONE }, { HERALD_TIME_ZONE: 'Mars/Olympus' }),
    ).toThrowError(/IANA time zone/);
  });
});

describe('token keys', () => {
  const secret = 'q'.repeat(40);

  it('are read from the flat shape a generated secret has', () => {
    expect(parseTokenKeys(JSON.stringify({ current: 'k2', k2: secret, k1: secret }), 'test')).toEqual({
      current: 'k2',
      keys: new Map([
        ['k2', secret],
        ['k1', secret],
      ]),
    });
  });

  it('take ids like __proto__ or constructor as plain ids, and never find a current key on the prototype', () => {
    const parsed = parseTokenKeys(`{"current":"__proto__","__proto__":"${secret}"}`, 'test');
    expect(parsed.keys.get('__proto__')).toBe(secret);
    expect(() => parseTokenKeys(JSON.stringify({ current: 'constructor', k1: secret }), 'test')).toThrowError(
      /"constructor" is not among/,
    );
  });

  it('are refused when the current key is missing or too short, without echoing any secret', () => {
    const short = JSON.stringify({ current: 'k1', k1: 'tiny-secret' });
    expect(() => parseTokenKeys(short, 'test')).toThrowError(/32\+ characters/);
    expect(() => parseTokenKeys(short, 'test')).not.toThrowError(/tiny-secret/);
    expect(() => parseTokenKeys(JSON.stringify({ current: 'k9', k1: secret }), 'test')).toThrowError(
      /"k9" is not among/,
    );
  });
});
