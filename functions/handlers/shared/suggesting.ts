import { createHmac } from 'node:crypto';
import { AltchaProofOfWork } from '#adapters/altcha-proof.ts';
import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { DynamoSuppressionList } from '#adapters/dynamodb-suppressions.ts';
import type { TokenKeys } from '#core/tokens.ts';

/** The opt-out list of suggestions, and the proof of work whose secret is derived from the first token key. */
export function suggestionStores(table: string, keys: TokenKeys) {
  const secret = createHmac('sha256', Object.values(keys.keys)[0]!).update('herald:altcha').digest('hex');
  return {
    articles: new DynamoArticleStore(table),
    optOuts: new DynamoSuppressionList(table, 'NOSUGGEST'),
    proofs: new AltchaProofOfWork(table, secret),
  };
}
