import { ArnFormat, CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  CfnConfigurationSetEventDestination,
  ConfigurationSet,
  EmailIdentity,
  Identity,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { FunctionEnvironment } from '#config/contract/environment.ts';
import { HeraldFunction } from './herald-function.ts';
import { SesSending } from './ses-send.ts';
import { grantPartitions } from './table-access.ts';

export interface SesEventsProps {
  readonly table: ITableV2;
  readonly addressKey: ISecret;
  readonly sesIdentity: string;
  /** An existing configuration set; by default one is created. */
  readonly configurationSetName?: string;
  /**
   * Create the SES domain identity (Easy DKIM, custom MAIL FROM) instead of using an existing one: creating
   * an identity for a domain that is already verified fails, so this is off by default.
   */
  readonly createIdentity: boolean;
  readonly environment: FunctionEnvironment;
}

/**
 * The SES side of sending: the configuration set every mail goes through, its bounce and complaint events
 * sent to EventBridge, and the function that suppresses those addresses. Exposes what senders may use.
 */
export class SesEvents extends Construct {
  readonly configurationSetName: string;
  readonly identityArn: string;
  readonly configurationSetArn: string;
  /** What the functions that send may use (`sending.grantSend(fn)`). */
  readonly sending: SesSending;
  readonly function: HeraldFunction;

  constructor(scope: Construct, id: string, props: SesEventsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.configurationSetName =
      props.configurationSetName ?? new ConfigurationSet(this, 'ConfigurationSet').configurationSetName;
    const sesArn = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'ses', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.identityArn = sesArn('identity', props.sesIdentity);
    this.configurationSetArn = sesArn('configuration-set', this.configurationSetName);
    this.sending = new SesSending(this.identityArn, this.configurationSetArn, this.configurationSetName);

    if (props.createIdentity) {
      if (props.sesIdentity.includes('@'))
        throw new Error('herald.createSesIdentity needs sesIdentity to be a domain, not an address');
      const domain = props.sesIdentity;
      const identity = new EmailIdentity(this, 'Identity', {
        identity: Identity.domain(domain),
        mailFromDomain: `mail.${domain}`,
        dkimSigning: true,
      });
      for (const [index, record] of identity.dkimRecords.entries()) {
        new CfnOutput(this, `DkimRecord${index + 1}`, {
          description: 'DNS: publish this CNAME (Easy DKIM)',
          value: Fn.join(' ', [record.name, 'CNAME', record.value]),
        });
      }
      new CfnOutput(this, 'MailFromMx', {
        description: 'DNS: publish this MX record (custom MAIL FROM)',
        value: `mail.${domain} MX 10 feedback-smtp.${stack.region}.amazonses.com`,
      });
      new CfnOutput(this, 'MailFromSpf', {
        description: 'DNS: publish this TXT record (SPF)',
        value: `mail.${domain} TXT "v=spf1 include:amazonses.com ~all"`,
      });
      new CfnOutput(this, 'Dmarc', {
        description: 'DNS: publish this TXT record (DMARC; tighten p= once reports look right)',
        value: `_dmarc.${domain} TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@${domain}; adkim=s; aspf=r"`,
      });
    }

    new CfnConfigurationSetEventDestination(this, 'ToEventBridge', {
      configurationSetName: this.configurationSetName,
      eventDestination: {
        enabled: true,
        matchingEventTypes: ['BOUNCE', 'COMPLAINT'],
        eventBridgeDestination: {
          eventBusArn: stack.formatArn({
            service: 'events',
            resource: 'event-bus',
            resourceName: 'default',
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        },
      },
    });

    this.function = new HeraldFunction(this, 'Function', {
      handler: 'ses-events',
      description: 'Herald: bounces and complaints suppress addresses',
      environment: { ...props.environment, HERALD_ADDRESS_KEY_SECRET_ARN: props.addressKey.secretArn },
    });
    grantPartitions(props.table, this.function, { write: ['subscribers', 'suppressions'] });
    props.addressKey.grantRead(this.function);
    new Rule(this, 'BouncesAndComplaints', {
      description: 'SES bounces and complaints of Herald mail',
      eventPattern: {
        source: ['aws.ses'],
        detailType: ['Email Bounced', 'Email Complaint Received'],
        resources: [this.configurationSetArn],
      },
      targets: [new LambdaFunction(this.function, { retryAttempts: 8 })],
    });
  }
}
