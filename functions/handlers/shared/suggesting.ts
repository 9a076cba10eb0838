import { createHmac } from 'node:crypto';
import { AltchaProofOfWork } from '#adapters/altcha-proof.ts';
import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { DynamoSuppressionList } from '#adapters/dynamodb-suppressions.ts';
import type { AddressKey } from '#core/subscriptions/address-hash.ts';

/** The opt-out list of suggestions, and the proof of work whose secret is derived from the address key. */
export function suggestionStores(table: string, key: AddressKey) {
  const secret = createHmac('sha256', key.secret).update('herald:altcha').digest('hex');
  return {
    articles: new DynamoArticleStore(table),
    optOuts: new DynamoSuppressionList(table, 'NOSUGGEST'),
    proofs: new AltchaProofOfWork(table, secret),
  };
}
