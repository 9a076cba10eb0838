import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * X-Ray tracing with Powertools' tracer (active only in Lambda). HTTP requests are not patched
 * wholesale: the SDK clients are captured one by one (`clients.ts`), except the two the sender calls per
 * recipient, where a subsegment costs about a fifth more CPU per call (`npm run bench -- tracer`).
 * The digest sender's bundle holds no X-Ray SDK at all: its `Tracer` is a stand-in that reports tracing
 * off (`untraced` in `#config/contract/entries.ts`, `infra/stubs/no-tracer.mjs`).
 */
export const tracer = new Tracer({ serviceName: 'herald', captureHTTPsRequests: false });
