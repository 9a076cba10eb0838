import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnConfigurationSetEventDestination, ConfigurationSet } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { HeraldFunction } from './herald-function.ts';

export interface SesEventsProps {
  readonly table: ITableV2;
  readonly tokenKeys: ISecret;
  readonly sesIdentity: string;
  /** An existing configuration set; by default one is created. */
  readonly configurationSetName?: string;
  readonly environment: Record<string, string>;
}

/**
 * The SES side of sending: the configuration set every mail goes through, its bounce and complaint events
 * sent to EventBridge, and the function that suppresses those addresses. Exposes what senders may use.
 */
export class SesEvents extends Construct {
  readonly configurationSetName: string;
  readonly identityArn: string;
  readonly configurationSetArn: string;
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
      environment: { ...props.environment, HERALD_TOKEN_KEYS_SECRET_ARN: props.tokenKeys.secretArn },
    });
    props.table.grantReadWriteData(this.function);
    props.tokenKeys.grantRead(this.function);
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
