import type { Context } from 'aws-lambda';
import { tracer } from '#adapters/tracing.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metrics, publishMetrics } from '#handlers/shared/metrics.ts';

/**
 * Starts watching one invocation: its context on every log line (request id, cold start), the
 * cold-start metric, a `## handler` subsegment with the cold start and the service as annotations (on
 * AWS, with X-Ray active). The function it gives back ends it: the error on the segment, the metrics
 * flushed, the segment closed.
 */
export function startObserving(name: string, context: Context | undefined): (error?: unknown) => void {
  if (context?.awsRequestId) logger.addContext(context);
  metrics.captureColdStartMetric(context?.functionName);
  const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
  const segment = parent?.addNewSubsegment(`## ${name}`);
  if (segment) {
    tracer.setSegment(segment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
  }
  return (error) => {
    if (error) segment?.addError(error as Error);
    publishMetrics();
    if (segment && parent) {
      segment.close();
      tracer.setSegment(parent);
    }
  };
}

/** What every handler does around its work, in one place (see {@link startObserving}). */
export function observed<Event, Result>(
  name: string,
  handler: (event: Event, context: Context) => Promise<Result>,
): (event: Event, context?: Context) => Promise<Result> {
  return async (event, context) => {
    const end = startObserving(name, context);
    let failure: unknown;
    try {
      return await handler(event, (context ?? {}) as Context);
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      end(failure);
    }
  };
}
