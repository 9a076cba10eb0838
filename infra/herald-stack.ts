import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { HeraldConfig } from './config.ts';
import { DigestDelivery } from './constructs/digest-delivery.ts';
import { DocumentIngest } from './constructs/document-ingest.ts';
import { Observability } from './constructs/observability.ts';
import { PublicMail } from './constructs/public-mail.ts';
import { ScheduledDigests } from './constructs/scheduled-digests.ts';
import { SesEvents } from './constructs/ses-events.ts';
import { SubscriptionApi } from './constructs/subscription-api.ts';
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
    const shared = {
      HERALD_TABLE: state.table.tableName,
      HERALD_BUCKET: state.bucket.bucketName,
      HERALD_DOCUMENTS_PREFIX: config.documentsPrefix,
      HERALD_PUBLISHER_NAME: config.publisherName,
      HERALD_TIME_ZONE: config.timeZone,
      HERALD_MAX_ARTICLES_PER_DIGEST: String(config.maxArticlesPerDigest),
      HERALD_REQUIRE_APPROVAL: String(config.requireApproval),
      HERALD_PUBLIC_MAIL_RATE: String(config.publicMailRate),
      HERALD_PUBLIC_MAILS_PER_HOUR: String(config.publicMailsPerHour),
      HERALD_PUBLIC_MAILS_PER_DAY: String(config.publicMailsPerDay),
      HERALD_SUBSCRIBE_PROOF: config.subscribeProof,
      HERALD_PROOF_COST: String(config.proofCost),
      HERALD_SUGGEST_NOTES: String(config.suggestNotes),
      ...(config.postalAddress ? { HERALD_POSTAL_ADDRESS: config.postalAddress } : {}),
    };

    const ses = new SesEvents(this, 'SesEvents', {
      table: state.table,
      addressKey: state.addressKey,
      sesIdentity: config.sesIdentity,
      configurationSetName: config.configurationSetName,
      createIdentity: config.createSesIdentity,
      environment: shared,
    });
    const sesSend = {
      identityArn: ses.identityArn,
      configurationSetArn: ses.configurationSetArn,
      configurationSetName: ses.configurationSetName,
    };

    const publicMail = new PublicMail(this, 'PublicMail', {
      table: state.table,
      tokenKeys: state.tokenKeys,
      addressKey: state.addressKey,
      sesSend,
      environment: {
        ...shared,
        HERALD_FROM_ADDRESS: config.fromAddress,
        ...(config.maxSendRate ? { HERALD_MAX_SEND_RATE: String(config.maxSendRate) } : {}),
        ...(config.dailyQuota ? { HERALD_DAILY_QUOTA: String(config.dailyQuota) } : {}),
      },
    });

    const api = new SubscriptionApi(this, 'SubscriptionApi', {
      table: state.table,
      tokenKeys: state.tokenKeys,
      addressKey: state.addressKey,
      bucket: state.bucket,
      publicBaseUrl: config.publicBaseUrl,
      corsOrigins: config.corsOrigins,
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      publicMail: publicMail.queue,
      environment: { ...shared, HERALD_FROM_ADDRESS: config.fromAddress },
    });
    const { publicBaseUrl } = api;
    publicMail.function.addEnvironment('HERALD_PUBLIC_BASE_URL', publicBaseUrl);

    const delivery = new DigestDelivery(this, 'DigestDelivery', {
      bucket: state.bucket,
      table: state.table,
      tokenKeys: state.tokenKeys,
      addressKey: state.addressKey,
      sesSend,
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
          Object.entries(api.functions).map(([name, fn]) => [
            `Api${name[0]!.toUpperCase()}${name.slice(1)}`,
            fn,
          ]),
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
