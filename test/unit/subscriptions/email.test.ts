import { describe, expect, it } from 'vitest';
import { emailKey, normalizeEmail, subscriberIdFor } from '#core/subscriptions/subscriber.ts';

describe('email addresses', () => {
  it('lower-case and punycode the domain, keep the local part', () => {
    expect(normalizeEmail('  Jane.Doe@Example.ORG ')).toBe('Jane.Doe@example.org');
    expect(normalizeEmail('info@bücher.de')).toBe('info@xn--bcher-kva.de');
  });

  it('share one subscriber id whatever their case', () => {
    expect(emailKey('Jane@Example.org')).toBe('jane@example.org');
    expect(subscriberIdFor('Jane@Example.org')).toBe(subscriberIdFor('jane@EXAMPLE.org'));
  });

  it.each([
    ['no at sign', 'jane.example.org', /needs a local part/],
    ['non-ASCII local part', 'jürgen@example.org', /ASCII/],
    ['header injection', 'a@example.org\r\nBcc: x@evil.test', /one line/],
    ['a local part over 64 characters', `${'a'.repeat(65)}@example.org`, /64/],
    ['a domain without a dot', 'jane@localhost', /not a valid domain/],
  ])('are refused with %s, saying what is wrong', (_case, input, message) => {
    expect(() => normalizeEmail(input)).toThrowError(message);
  });
});
