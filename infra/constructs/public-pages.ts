import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FunctionEnvironment } from '#config/contract/environment.ts';
import type { HttpEntry } from '#config/contract/routes.ts';
import { HeraldFunction } from './herald-function.ts';

/** A function behind the public API, rendering its pages from the templates. */
export function pageFunction(
  scope: Construct,
  id: string,
  entry: HttpEntry,
  description: string,
  environment: FunctionEnvironment,
): HeraldFunction {
  return new HeraldFunction(scope, id, { handler: entry, description, withTemplates: true, environment });
}

/** What the pages that act for a reader are given (subscriptions, suggestions). */
export interface ReaderAccess {
  /** Sign and verify the links in mail. */
  readonly tokenKeys: ISecret;
  /** Hash addresses (subscriber ids, suppressions, limits). */
  readonly addressKey: ISecret;
  /** Where the pages queue the mails the public causes (they send none themselves). */
  readonly publicMail: IQueue;
  /** Origins whose pages may post the subscribe API (the embeddable form). */
  readonly corsOrigins: readonly string[];
}

/** A page function that acts for a reader: it may read both keys, and knows the public-mail queue. */
export function readerFunction(
  scope: Construct,
  id: string,
  entry: HttpEntry,
  description: string,
  props: { readonly access: ReaderAccess; readonly environment: FunctionEnvironment },
): HeraldFunction {
  const { access } = props;
  const fn = pageFunction(scope, id, entry, description, {
    ...props.environment,
    HERALD_TOKEN_KEYS_SECRET_ARN: access.tokenKeys.secretArn,
    HERALD_ADDRESS_KEY_SECRET_ARN: access.addressKey.secretArn,
    HERALD_PUBLIC_MAIL_QUEUE_URL: access.publicMail.queueUrl,
    HERALD_CORS_ORIGINS: access.corsOrigins,
  });
  access.tokenKeys.grantRead(fn);
  access.addressKey.grantRead(fn);
  return fn;
}
