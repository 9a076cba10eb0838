// Stands in for @aws-lambda-powertools/tracer in the bundles of functions that load no X-Ray SDK (the
// digest sender: `untraced` in functions/config/contract/entries.ts). Lambda's active tracing still
// records each invocation and its init; what is left out is the SDK's subsegments, and loading the SDK
// (about a fifth of the sender's cold load). Tracing is reported off, so nothing asks for a segment.
export class Tracer {
  isTracingEnabled() {
    return false;
  }
  getSegment() {
    return undefined;
  }
  setSegment() {}
  annotateColdStart() {}
  addServiceNameAnnotation() {}
  captureAWSv3Client(client) {
    return client;
  }
}
