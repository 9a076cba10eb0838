import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTokenKeys } from '#config/env.ts';
import type { TokenKeys } from '#core/tokens.ts';
import { applyLocalEnvironment, heraldHome, type LocalConfig, readLocalConfig } from '#local/environment.ts';

/** The stack a command talks to: the running local stack, found through `$HERALD_HOME/local.json`. */
export function localTarget(): LocalConfig {
  const config = readLocalConfig(heraldHome());
  applyLocalEnvironment(config);
  return config;
}

/** The local stack's token keys (kept in HERALD_HOME, never printed): for signing links and hashing addresses. */
export function localTokenKeys(): TokenKeys {
  return parseTokenKeys(localTokenKeysJson(), path.join(heraldHome(), 'token-keys.json'));
}

/** The same keys as the JSON the handlers read from HERALD_TOKEN_KEYS. */
export function localTokenKeysJson(): string {
  return readFileSync(path.join(heraldHome(), 'token-keys.json'), 'utf8');
}
