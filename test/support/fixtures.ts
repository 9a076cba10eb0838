import { readFileSync } from 'node:fs';
import { type AddressKey, subscriberIdFor } from '#core/subscriptions/address-hash.ts';
import type { TokenKeys } from '#core/tokens.ts';

/** A page of test/fixtures/pages as raw bytes, exactly as it would be uploaded. */
export function fixturePage(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/pages/${name}`, import.meta.url));
}

/** Token keys for tests that sign links without a running stack. */
export function testTokenKeys(secret = 'x'): TokenKeys {
  return { current: 'k1', keys: new Map([['k1', secret.repeat(40)]]) };
}

/** The address key of tests that hash addresses without a running stack. */
export const TEST_ADDRESS_KEY: AddressKey = { secret: 'h'.repeat(40) };

/** A subscriber's id, as Herald derives it with the tests' address key. */
export const testIdFor = (email: string) => subscriberIdFor(TEST_ADDRESS_KEY, email);
