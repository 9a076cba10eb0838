import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs. Ids only — never an email address or a document's content. */
export const logger = new Logger({ serviceName: 'herald' });
