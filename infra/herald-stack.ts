import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { FunctionEnvironment } from '#config/contract/environment.ts';
import type { HeraldConfig } from './config.ts';
import { DigestDelivery } from './constructs/digest-delivery.ts';
import { DocumentIngest } from './constructs/document-ingest.ts';
import { Observability } from './constructs/observability.ts';
import { Pages } from './constructs/pages.ts';
import { PublicApi } from './constructs/public-api.ts';
import { PublicMail } from './constructs/public-mail.ts';
import { ScheduledDigests } from './constructs/scheduled-digests.ts';
import { SesEvents } from './constructs/ses-events.ts';
import { Subscriptions } from './constructs/subscriptions.ts';
import { Suggestions } from './constructs/suggestions.ts';
import { settingOutput } from './outputs.ts';
import type { HeraldStateStack } from './state-stack.ts';

export interface HeraldStackProps extends StackProps {
  readonly config: HeraldConfig;
  readonly state: HeraldStateStack;
}

/** Herald on AWS: documents in S3 → ingest → digests → SES, and the public unsubscribe endpoint. */
export class HeraldStack extends Stack {
  constructor(scope: Construct, id: string, props: HeraldStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { state } = props.state;
    const shared: FunctionEnvironment = {
      HERALD_TABLE: state.table.tableName,
      HERALD_BUCKET: state.bucket.bucketName,
      HERALD_DOCUMENTS_PREFIX: config.documentsPrefix,
      HERALD_PUBLISHER_NAME: config.publisherName,
      HERALD_TIME_ZONE: config.timeZone,
      HERALD_MAX_ARTICLES_PER_DIGEST: config.maxArticlesPerDigest,
      HERALD_REQUIRE_APPROVAL: config.requireApproval,
      HERALD_PUBLIC_MAIL_RATE: config.publicMailRate,
      HERALD_PUBLIC_MAILS_PER_HOUR: config.publicMailsPerHour,
      HERALD_PUBLIC_MAILS_PER_DAY: config.publicMailsPerDay,
      HERALD_SUBSCRIBE_PROOF: config.subscribeProof,
      HERALD_PROOF_COST: config.proofCost,
      HERALD_SUGGEST_NOTES: config.suggestNotes,
      HERALD_POSTAL_ADDRESS: config.postalAddress || undefined,
    };

    const ses = new SesEvents(this, 'SesEvents', {
      table: state.table,
      addressKey: state.addressKey,
      sesIdentity: config.sesIdentity,
      configurationSetName: config.configurationSetName,
      createIdentity: config.createSesIdentity,
      environment: shared,
    });

    const publicMail = new PublicMail(this, 'PublicMail', {
      table: state.table,
      tokenKeys: state.tokenKeys,
      addressKey: state.addressKey,
      sesSending: ses.sending,
      environment: {
        ...shared,
        HERALD_FROM_ADDRESS: config.fromAddress,
        HERALD_MAX_SEND_RATE: config.maxSendRate,
        HERALD_DAILY_QUOTA: config.dailyQuota,
      },
    });

    // Its ID from before the API had a construct of its own: the same logical ID keeps the API's URL,
    // which the links in mail already sent point at when no publicBaseUrl is set.
    const api = new PublicApi(this, 'SubscriptionApi', {
      publicBaseUrl: config.publicBaseUrl,
      corsOrigins: config.corsOrigins,
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
    });
    const { publicBaseUrl } = api;
    publicMail.function.setEnvironment({ HERALD_PUBLIC_BASE_URL: publicBaseUrl });
    const site = {
      ...shared,
      HERALD_FROM_ADDRESS: config.fromAddress,
      HERALD_PUBLIC_BASE_URL: publicBaseUrl,
    };
    const access = {
      tokenKeys: state.tokenKeys,
      addressKey: state.addressKey,
      publicMail: publicMail.queue,
      corsOrigins: config.corsOrigins,
    };
    const subscriptions = new Subscriptions(this, 'Subscriptions', {
      table: state.table,
      access,
      environment: site,
    });
    const suggestions = new Suggestions(this, 'Suggestions', {
      table: state.table,
      access,
      environment: site,
    });
    const pages = new Pages(this, 'Pages', { table: state.table, bucket: state.bucket, environment: site });
    const publicFunctions = { ...subscriptions.functions, ...suggestions.functions, ...pages.functions };
    api.route(publicFunctions);

    const delivery = new DigestDelivery(this, 'DigestDelivery', {
      bucket: state.bucket,
      table: state.table,
      tokenKeys: state.tokenKeys,
      addressKey: state.addressKey,
      sesSending: ses.sending,
      maxSendRate: config.maxSendRate,
      dailyQuota: config.dailyQuota,
      environment: {
        ...shared,
        HERALD_FROM_ADDRESS: config.fromAddress,
        HERALD_PUBLIC_BASE_URL: publicBaseUrl,
      },
    });

    const ingest = new DocumentIngest(this, 'DocumentIngest', {
      bucket: state.bucket,
      table: state.table,
      queue: props.state.ingest.queue,
      documentsPrefix: config.documentsPrefix,
      sendQueue: delivery.queue,
      environment: { ...shared, HERALD_PUBLIC_BASE_URL: publicBaseUrl },
    });

    const scheduled = new ScheduledDigests(this, 'ScheduledDigests', {
      bucket: state.bucket,
      table: state.table,
      sendQueue: delivery.queue,
      timeZone: config.timeZone,
      dailyAt: config.dailyAt,
      weeklyOn: config.weeklyOn,
      environment: { ...shared, HERALD_PUBLIC_BASE_URL: publicBaseUrl },
    });
    settingOutput(this, 'HERALD_SCHEDULED_DIGEST_FUNCTION', scheduled.function.functionName);

    const observability = new Observability(this, 'Observability', {
      alarmEmail: config.alarmEmail,
      functions: {
        Ingest: ingest.function,
        Sender: delivery.function,
        ScheduledDigests: scheduled.function,
        PublicMail: publicMail.function,
        SesEvents: ses.function,
        ...Object.fromEntries(
          Object.entries(publicFunctions).map(([entry, fn]) => [`Api${pascalCase(entry)}`, fn]),
        ),
      },
      deadLetterQueues: {
        Ingest: props.state.ingest.deadLetterQueue,
        Send: delivery.deadLetterQueue,
        PublicMail: publicMail.deadLetterQueue,
      },
    });
    new CfnOutput(this, 'AlarmTopic', {
      description: 'Subscribe to be told when something needs a person',
      value: observability.topic.topicArn,
    });

    new CfnOutput(this, 'DocumentsUri', {
      description: 'Drop documents here (aws s3 cp page.txt <this>)',
      value: `s3://${state.bucket.bucketName}/${config.documentsPrefix}`,
    });
    // What `herald` reads with HERALD_STACK=aws (the state stack outputs the rest).
    settingOutput(this, 'HERALD_PUBLIC_BASE_URL', publicBaseUrl);
    settingOutput(this, 'HERALD_SEND_QUEUE_URL', delivery.queue.queueUrl);
    settingOutput(this, 'HERALD_FROM_ADDRESS', config.fromAddress);
    settingOutput(this, 'HERALD_PUBLISHER_NAME', config.publisherName);
    settingOutput(this, 'HERALD_SES_CONFIGURATION_SET', ses.configurationSetName);
  }
}

/** `my-data` → `MyData`. */
const pascalCase = (name: string) =>
  name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
