import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidTokenError } from '#core/errors.ts';
import { signToken, verifyToken } from '#core/tokens.ts';

const keys = {
  current: 'k2',
  keys: new Map([
    ['k1', 'a'.repeat(40)],
    ['k2', 'b'.repeat(40)],
  ]),
};

describe('signed tokens', () => {
  it('give back their subject for the purpose they were signed for', () => {
    const token = signToken(keys, 'unsubscribe', 's_123');
    expect(verifyToken(keys, 'unsubscribe', token)).toBe('s_123');
  });

  it('are refused for any other purpose', () => {
    const token = signToken(keys, 'unsubscribe', 's_123');
    expect(() => verifyToken(keys, 'confirm', token)).toThrow(InvalidTokenError);
  });

  it('are refused when any character is changed', () => {
    const token = signToken(keys, 'unsubscribe', 's_123');
    const forged = token.replace('s_123', 's_124');
    expect(() => verifyToken(keys, 'unsubscribe', forged)).toThrow(InvalidTokenError);
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(() => verifyToken(keys, 'unsubscribe', flipped)).toThrow(InvalidTokenError);
  });

  it('signed with an older key still verify after rotation; unknown keys do not', () => {
    const old = signToken({ ...keys, current: 'k1' }, 'unsubscribe', 's_1');
    expect(verifyToken(keys, 'unsubscribe', old)).toBe('s_1');
    const rotated = { current: 'k2', keys: new Map([['k2', 'b'.repeat(40)]]) };
    expect(() => verifyToken(rotated, 'unsubscribe', old)).toThrow(InvalidTokenError);
  });

  it('expire when given an expiry, and say so', () => {
    const token = signToken(keys, 'confirm', 's_1', new Date('2026-01-02T00:00:00Z'));
    expect(verifyToken(keys, 'confirm', token, new Date('2026-01-01T00:00:00Z'))).toBe('s_1');
    expect(() => verifyToken(keys, 'confirm', token, new Date('2026-01-03T00:00:00Z'))).toThrowError(
      /expired/,
    );
  });

  it('refuse truncated links with a message that says what to do', () => {
    expect(() => verifyToken(keys, 'unsubscribe', 'k2.s_1')).toThrowError(/copy the whole link/);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    'treat a key id of "%s" as an unknown key, not a property of an object',
    (kid) => {
      for (const purpose of ['unsubscribe', 'confirm', 'preferences', 'data', 'erase'] as const) {
        expect(() => verifyToken(keys, purpose, `${kid}.s_1..${'A'.repeat(32)}`)).toThrow(InvalidTokenError);
        expect(() => verifyToken(keys, purpose, `${kid}.s_1.zzzzzz.${'A'.repeat(32)}`)).toThrow(
          InvalidTokenError,
        );
      }
    },
  );

  it.each(['confirm', 'data', 'erase', 'undo-unsubscribe'] as const)(
    'for %s are refused when they carry no expiry, even with a valid signature',
    (purpose) => {
      // Signed by hand the way a token without expiry would be: the signature is right, the expiry absent.
      const mac = createHmac('sha256', 'b'.repeat(40))
        .update(`herald:${purpose}:k2:s_1:`)
        .digest('base64url')
        .slice(0, 32);
      expect(() => verifyToken(keys, purpose, `k2.s_1..${mac}`)).toThrowError(/not valid/);
      expect(() => signToken(keys, purpose, 's_1')).toThrowError(/must expire/);
    },
  );
});
