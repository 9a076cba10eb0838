import { Metrics } from '@aws-lambda-powertools/metrics';

/** CloudWatch metrics in Embedded Metric Format (one JSON line per flush). */
export const metrics = new Metrics({ namespace: 'Herald', serviceName: 'herald' });
