import { describe, expect, it } from 'vitest';
import { mailboxHash } from '#core/subscriptions/address-hash.ts';
import { canonicalMailbox, emailKey, normalizeEmail } from '#core/subscriptions/subscriber.ts';
import { TEST_ADDRESS_KEY, testIdFor } from '../../support/fixtures.ts';

describe('email addresses', () => {
  it('lower-case and punycode the domain, keep the local part', () => {
    expect(normalizeEmail('  Jane.Doe@Example.ORG ')).toBe('Jane.Doe@example.org');
    expect(normalizeEmail('info@bücher.de')).toBe('info@xn--bcher-kva.de');
    expect(normalizeEmail('a@sub-domain.example.co.uk')).toBe('a@sub-domain.example.co.uk');
  });

  it('share one subscriber id whatever their case', () => {
    expect(emailKey('Jane@Example.org')).toBe('jane@example.org');
    expect(testIdFor('Jane@Example.org')).toBe(testIdFor('jane@EXAMPLE.org'));
  });

  it.each([
    ['no at sign', 'jane.example.org', /needs a local part/],
    ['non-ASCII local part', 'jürgen@example.org', /ASCII/],
    ['header injection', 'a@example.org\r\nBcc: x@evil.test', /one line/],
    ['a local part over 64 characters', `${'a'.repeat(65)}@example.org`, /64/],
    ['a domain without a dot', 'jane@localhost', /needs at least one dot/],
    ['a comma between two domains', 'odd@b.com,c.com', /only letters, digits and hyphens/],
    ['two dots in a row', 'a@x..com', /empty part/],
    ['a leading dot', 'a@.com', /empty part/],
    ['a trailing dot', 'a@example.org.', /empty part/],
    ['parentheses', 'a@(x).com', /only letters, digits and hyphens/],
    ['an underscore', 'a@ex_ample.com', /only letters, digits and hyphens/],
    ['a hyphen at the start of a label', 'a@-example.com', /not first or last/],
    ['a label over 63 characters', `a@${'x'.repeat(64)}.com`, /1 to 63 characters/],
    ['an IP address', 'a@192.0.2.1', /ends in a number/],
    ['an address literal', 'a@[192.0.2.1]', /address literal/],
    ['a space in the domain', 'a@exa mple.com', /not a valid domain|only letters/],
  ])('are refused with %s, saying what is wrong', (_case, input, message) => {
    expect(() => normalizeEmail(input)).toThrowError(message);
  });
});

describe('the mailbox an address reaches', () => {
  it.each([
    ['Victim@Example.org', 'victim@example.org'],
    ['victim+1@example.org', 'victim@example.org'],
    ['victim+news+x@example.org', 'victim@example.org'],
    ['v.ictim@gmail.com', 'victim@gmail.com'],
    ['V.I.C.T.I.M+promo@GoogleMail.com', 'victim@gmail.com'],
    ['v.ictim@example.org', 'v.ictim@example.org'],
  ])('%s is the mailbox %s', (address, mailbox) => {
    expect(canonicalMailbox(address)).toBe(mailbox);
  });

  it('hashes every alias of one mailbox alike, and other mailboxes apart', () => {
    const hash = (email: string) => mailboxHash(TEST_ADDRESS_KEY, email);
    expect(new Set(['victim@gmail.com', 'v.ictim+1@gmail.com', 'VICTIM@googlemail.com'].map(hash)).size).toBe(
      1,
    );
    expect(hash('victim@gmail.com')).not.toBe(hash('victim@example.org'));
  });
});
