import { describe } from 'vitest';
import { DynamoSendLedger } from '#adapters/dynamodb-ledger.ts';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { DynamoRateLimiter, DynamoSuppressionList } from '#adapters/dynamodb-suppressions.ts';
import { sendLedgerContract } from '../support/contracts/send-ledger.ts';
import { subscriberStoreContract } from '../support/contracts/subscribers.ts';
import { rateLimiterContract, suppressionListContract } from '../support/contracts/suppressions.ts';
import { MemoryLedger } from '../support/fakes/delivery.ts';
import {
  MemoryRateLimiter,
  MemorySubscriberStore,
  MemorySuppressionList,
} from '../support/fakes/subscriptions.ts';
import { useLocalStack } from '../support/local-stack.ts';

// The same cases against each in-memory fake the unit tests trust and the adapter it stands in for.
const local = useLocalStack();
const table = () => local.stack.config.table;

describe.each([
  ['the in-memory fake', () => new MemoryLedger()],
  ['DynamoDB', () => new DynamoSendLedger(table())],
])('the send ledger (%s)', (_name, make) => sendLedgerContract(make));

describe.each([
  ['the in-memory fake', () => new MemorySubscriberStore()],
  ['DynamoDB', () => new DynamoSubscriberStore(table())],
])('the subscriber store (%s)', (_name, make) => subscriberStoreContract(make));

describe.each([
  ['the in-memory fake', () => new MemorySuppressionList()],
  ['DynamoDB', () => new DynamoSuppressionList(table())],
])('the suppression list (%s)', (_name, make) => suppressionListContract(make));

describe.each([
  ['the in-memory fake', () => new MemoryRateLimiter()],
  ['DynamoDB', () => new DynamoRateLimiter(table())],
])('the rate limiter (%s)', (_name, make) => rateLimiterContract(make));
