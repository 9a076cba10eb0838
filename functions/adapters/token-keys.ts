import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseTokenKeys } from '#config/env.ts';
import { ConfigError } from '#core/errors.ts';
import type { TokenKeys } from '#core/tokens.ts';

/**
 * The token-signing keys: from Secrets Manager on AWS (read once per cold start), or from the
 * environment on the local stack. Never logged.
 */
export async function loadTokenKeys(config: {
  HERALD_TOKEN_KEYS?: string | undefined;
  HERALD_TOKEN_KEYS_SECRET_ARN?: string | undefined;
}): Promise<TokenKeys> {
  if (config.HERALD_TOKEN_KEYS) return parseTokenKeys(config.HERALD_TOKEN_KEYS, 'HERALD_TOKEN_KEYS');
  if (config.HERALD_TOKEN_KEYS_SECRET_ARN) {
    const secret = await new SecretsManagerClient({}).send(
      new GetSecretValueCommand({ SecretId: config.HERALD_TOKEN_KEYS_SECRET_ARN }),
    );
    return parseTokenKeys(secret.SecretString ?? '', 'the token keys secret');
  }
  throw new ConfigError('HERALD_TOKEN_KEYS or HERALD_TOKEN_KEYS_SECRET_ARN: one of them is required');
}
