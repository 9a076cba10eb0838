import { describe, expect, it } from 'vitest';
import {
  LOCAL_CONFIGURATION_SET,
  localDailyQuota,
  localSendRate,
  localSesAccount,
} from '#local/ses-account.ts';

// The local SES account the strict front enforces, read once from the environment.

describe('the local SES account', () => {
  it("verifies the From's domain, knows the local configuration set, and is out of the sandbox", () => {
    const account = localSesAccount({ HERALD_FROM_ADDRESS: 'Press <news@press.example.org>' });
    expect(account.verifiedIdentities).toEqual(['press.example.org']);
    expect(account.configurationSets).toEqual([LOCAL_CONFIGURATION_SET]);
    expect(account.sandbox).toBe(false);
  });

  it("keeps Herald's default local pace and daily budget under the account's limits", () => {
    const account = localSesAccount({});
    expect(localSendRate(account)).toBe(50);
    expect(localSendRate(account)).toBeLessThan(account.maxSendRate);
    expect(localDailyQuota(account)).toBe(50_000);
    expect(localDailyQuota(account)).toBeLessThan(account.max24HourSend);
  });

  it('takes the sandbox, more verified identities and other limits from the environment', () => {
    const account = localSesAccount({
      HERALD_SES_SANDBOX: 'true',
      HERALD_SES_VERIFIED_IDENTITIES: ' Editor@Example.com , readers.example.net',
      HERALD_SES_MAX_SEND_RATE: '14',
      HERALD_SES_MAX_24_HOUR_SEND: '50000',
    });
    expect(account).toMatchObject({ sandbox: true, maxSendRate: 14, max24HourSend: 50_000 });
    expect(account.verifiedIdentities).toEqual([
      'herald.example.org',
      'editor@example.com',
      'readers.example.net',
    ]);
  });

  it.each([
    [{ HERALD_SES_SANDBOX: 'yes' }, /HERALD_SES_SANDBOX must be "true" or "false", not "yes"/],
    [{ HERALD_SES_MAX_SEND_RATE: 'fast' }, /HERALD_SES_MAX_SEND_RATE must be a positive number/],
    [{ HERALD_SES_MAX_24_HOUR_SEND: '-1' }, /HERALD_SES_MAX_24_HOUR_SEND must be a positive number/],
    [{ HERALD_SES_VERIFIED_IDENTITIES: 'two words' }, /HERALD_SES_VERIFIED_IDENTITIES holds "two words"/],
    [{ HERALD_FROM_ADDRESS: 'nobody' }, /HERALD_FROM_ADDRESS must hold an address/],
  ])('refuses %o, saying what to fix', (env, message) => {
    expect(() => localSesAccount(env)).toThrow(message);
  });
});
