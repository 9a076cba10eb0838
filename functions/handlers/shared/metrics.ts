import { Metrics } from '@aws-lambda-powertools/metrics';

/** CloudWatch metrics in Embedded Metric Format (one JSON line per flush). */
export const metrics = new Metrics({ namespace: 'Herald', serviceName: 'herald' });

/**
 * One style for every metric name: camelCase, from words that may come with dashes or underscores
 * (`metricName('publicMail', 'already-confirmed')` → `publicMailAlreadyConfirmed`).
 */
export function metricName(...parts: string[]): string {
  const words = parts.flatMap((part) => part.split(/[-_\s]+/)).filter(Boolean);
  return words.map((word, i) => (i === 0 ? word : word[0]!.toUpperCase() + word.slice(1))).join('');
}

/** Flushes what was counted; with nothing counted it writes nothing (and no "no metrics" warning). */
export function publishMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
