import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { DynamoSendLedger } from '#adapters/dynamodb-ledger.ts';
import { DynamoReceipts } from '#adapters/dynamodb-receipts.ts';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { SqsSendQueue } from '#adapters/sqs-send-queue.ts';
import { env, readEnv } from '#config/env.ts';
import type { PublishPorts, PublishSettings } from '#core/digests/publish.ts';

/** The configuration every function that plans digests reads at cold start. */
export const publishingEnv = {
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_BUCKET: env.HERALD_BUCKET,
  HERALD_SEND_QUEUE_URL: env.HERALD_SEND_QUEUE_URL,
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_PUBLISHER_NAME: env.HERALD_PUBLISHER_NAME,
  HERALD_POSTAL_ADDRESS: env.HERALD_POSTAL_ADDRESS,
  HERALD_MAX_ARTICLES_PER_DIGEST: env.HERALD_MAX_ARTICLES_PER_DIGEST,
  HERALD_TEMPLATES_DIR: env.HERALD_TEMPLATES_DIR,
  HERALD_REQUIRE_APPROVAL: env.HERALD_REQUIRE_APPROVAL,
};

export type PublishingConfig = ReturnType<typeof readEnv<typeof publishingEnv>>;

/**
 * What every function that plans digests needs (ingest, scheduled digests, the operator's planner):
 * the stores, the send queue and the templates, and the publisher's settings.
 */
export function publishing(config: PublishingConfig = readEnv(publishingEnv)) {
  const ports: PublishPorts = {
    articles: new DynamoArticleStore(config.HERALD_TABLE, config.HERALD_BUCKET),
    digests: new AwsDigestStore(config.HERALD_TABLE, config.HERALD_BUCKET),
    subscribers: new DynamoSubscriberStore(config.HERALD_TABLE),
    receipts: new DynamoReceipts(config.HERALD_TABLE),
    ledger: new DynamoSendLedger(config.HERALD_TABLE),
    sendQueue: new SqsSendQueue(config.HERALD_SEND_QUEUE_URL),
    templates: new FileTemplateSource(config.HERALD_TEMPLATES_DIR),
  };
  const settings: PublishSettings = {
    publisher: config.HERALD_PUBLISHER_NAME,
    publicBaseUrl: config.HERALD_PUBLIC_BASE_URL,
    postalAddress: config.HERALD_POSTAL_ADDRESS,
    maxArticles: config.HERALD_MAX_ARTICLES_PER_DIGEST,
    requireApproval: config.HERALD_REQUIRE_APPROVAL,
  };
  return { ports, settings };
}
