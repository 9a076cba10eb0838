import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { DynamoSuppressionList } from '#adapters/dynamodb-suppressions.ts';
import { loadAddressKey } from '#adapters/token-keys.ts';
import { env, readEnv } from '#config/env.ts';
import { handleSesEvent, type SesEventOutcome } from '#core/subscriptions/ses-events.ts';
import { sesEventDetail } from '#handlers/shared/events.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metricName, metrics } from '#handlers/shared/metrics.ts';
import { observed } from '#handlers/shared/observed.ts';

const config = readEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_SOFT_BOUNCE_LIMIT: env.HERALD_SOFT_BOUNCE_LIMIT,
  HERALD_ADDRESS_KEY: env.HERALD_ADDRESS_KEY,
  HERALD_ADDRESS_KEY_SECRET_ARN: env.HERALD_ADDRESS_KEY_SECRET_ARN,
});
const ports = {
  subscribers: new DynamoSubscriberStore(config.HERALD_TABLE),
  suppressions: new DynamoSuppressionList(config.HERALD_TABLE),
};
const addressKey = await loadAddressKey(config);

/**
 * SES events from the configuration set's EventBridge destination: bounces and complaints suppress. An
 * event that does not fit SES's shape is logged and dropped (EventBridge would only retry a throw).
 */
export const handler = observed('ses-events', async (event: unknown): Promise<SesEventOutcome> => {
  const detail = sesEventDetail('ses-events', event);
  if (!detail) return { action: 'ignored', subscriberIds: [] };
  const outcome = await handleSesEvent(
    ports,
    addressKey,
    { softBounceLimit: config.HERALD_SOFT_BOUNCE_LIMIT },
    detail,
    new Date(),
  );
  logger.info('ses event', { type: detail.eventType, messageId: detail.mail?.messageId, ...outcome });
  if (outcome.action !== 'ignored')
    metrics.addMetric(metricName('ses', detail.eventType), MetricUnit.Count, 1);
  return outcome;
});
