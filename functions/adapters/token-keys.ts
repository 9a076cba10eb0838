import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { recordingCalls } from '#adapters/call-record.ts';
import { tracer } from '#adapters/tracing.ts';
import { parseAddressKey, parseTokenKeys } from '#config/env.ts';
import { ConfigError } from '#core/errors.ts';
import type { AddressKey } from '#core/subscriptions/address-hash.ts';
import type { TokenKeys } from '#core/tokens.ts';

const secretString = async (arn: string) =>
  (
    await tracer
      .captureAWSv3Client(recordingCalls(new SecretsManagerClient({}), 'secretsmanager'))
      .send(new GetSecretValueCommand({ SecretId: arn }))
  ).SecretString ?? '';

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
    return parseTokenKeys(await secretString(config.HERALD_TOKEN_KEYS_SECRET_ARN), 'the token keys secret');
  }
  throw new ConfigError('HERALD_TOKEN_KEYS or HERALD_TOKEN_KEYS_SECRET_ARN: one of them is required');
}

/**
 * The address key (it hashes addresses; a secret of its own, never rotated with the token keys): from
 * Secrets Manager on AWS, or from the environment on the local stack. Never logged.
 */
export async function loadAddressKey(config: {
  HERALD_ADDRESS_KEY?: string | undefined;
  HERALD_ADDRESS_KEY_SECRET_ARN?: string | undefined;
}): Promise<AddressKey> {
  if (config.HERALD_ADDRESS_KEY) return parseAddressKey(config.HERALD_ADDRESS_KEY, 'HERALD_ADDRESS_KEY');
  if (config.HERALD_ADDRESS_KEY_SECRET_ARN) {
    return parseAddressKey(
      await secretString(config.HERALD_ADDRESS_KEY_SECRET_ARN),
      'the address key secret',
    );
  }
  throw new ConfigError('HERALD_ADDRESS_KEY or HERALD_ADDRESS_KEY_SECRET_ARN: one of them is required');
}
