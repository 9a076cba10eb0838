import type { Context } from 'aws-lambda';
import { tracer } from '#adapters/tracing.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metrics, publishMetrics } from '#handlers/shared/metrics.ts';

/**
 * What every handler does around its work, in one place: the invocation's context on every log line
 * (request id, cold start), the cold-start metric, a `## handler` subsegment with the cold start and the
 * service as annotations (on AWS, with X-Ray active), and the metrics flushed at the end.
 */
export function observed<Event, Result>(
  name: string,
  handler: (event: Event, context: Context) => Promise<Result>,
): (event: Event, context?: Context) => Promise<Result> {
  return async (event, context) => {
    if (context?.awsRequestId) logger.addContext(context);
    metrics.captureColdStartMetric(context?.functionName);
    const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
    const segment = parent?.addNewSubsegment(`## ${name}`);
    if (segment) {
      tracer.setSegment(segment);
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
    }
    try {
      return await handler(event, (context ?? {}) as Context);
    } catch (error) {
      segment?.addError(error as Error);
      throw error;
    } finally {
      publishMetrics();
      if (segment && parent) {
        segment.close();
        tracer.setSegment(parent);
      }
    }
  };
}
