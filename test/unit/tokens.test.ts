import { describe, expect, it } from 'vitest';
import { InvalidTokenError } from '#core/errors.ts';
import { signToken, verifyToken } from '#core/tokens.ts';

const keys = { current: 'k2', keys: { k1: 'a'.repeat(40), k2: 'b'.repeat(40) } };

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
    expect(() => verifyToken({ current: 'k2', keys: { k2: keys.keys.k2 } }, 'unsubscribe', old)).toThrow(
      InvalidTokenError,
    );
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
});
