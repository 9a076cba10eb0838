import path from 'node:path';
import { parseAddressKey, parseTokenKeys } from '#config/env.ts';
import type { AddressKey } from '#core/subscriptions/address-hash.ts';
import type { TokenKeys } from '#core/tokens.ts';
import {
  ADDRESS_KEY_FILE,
  applyLocalEnvironment,
  heraldHome,
  type LocalConfig,
  localKeysIn,
  readLocalConfig,
  TOKEN_KEYS_FILE,
} from '#local/environment.ts';

/** The stack a command talks to: the running local stack, found through `$HERALD_HOME/local.json`. */
export function localTarget(): LocalConfig {
  const config = readLocalConfig(heraldHome());
  applyLocalEnvironment(config);
  return config;
}

/** The keys as the handlers read them from the environment on the local stack (kept in HERALD_HOME, never printed). */
export function localKeysEnvironment(): { HERALD_TOKEN_KEYS: string; HERALD_ADDRESS_KEY: string } {
  return localKeysIn(heraldHome());
}

/** The local stack's token keys: for signing links. */
export function localTokenKeys(): TokenKeys {
  return parseTokenKeys(localKeysEnvironment().HERALD_TOKEN_KEYS, path.join(heraldHome(), TOKEN_KEYS_FILE));
}

/** The local stack's address key: for hashing addresses. */
export function localAddressKey(): AddressKey {
  return parseAddressKey(
    localKeysEnvironment().HERALD_ADDRESS_KEY,
    path.join(heraldHome(), ADDRESS_KEY_FILE),
  );
}
