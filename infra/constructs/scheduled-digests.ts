import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HeraldFunction } from './herald-function.ts';

export interface ScheduledDigestsProps {
  readonly bucket: IBucket;
  readonly table: ITableV2;
  readonly sendQueue: IQueue;
  readonly timeZone: string;
  /** `HH:MM` in `timeZone`. */
  readonly dailyAt: string;
  /** MON … SUN. */
  readonly weeklyOn: string;
  readonly environment: Record<string, string>;
}

/** EventBridge Scheduler → the scheduled-digest function, daily and weekly, in the publisher's time zone. */
export class ScheduledDigests extends Construct {
  readonly function: HeraldFunction;

  constructor(scope: Construct, id: string, props: ScheduledDigestsProps) {
    super(scope, id);
    this.function = new HeraldFunction(this, 'Function', {
      handler: 'scheduled-digest',
      description: 'Herald: daily and weekly digests',
      timeout: Duration.minutes(5),
      memorySize: 1024,
      withTemplates: true,
      reservedConcurrentExecutions: 1,
      environment: { ...props.environment, HERALD_SEND_QUEUE_URL: props.sendQueue.queueUrl },
    });
    props.table.grantReadWriteData(this.function);
    props.bucket.grantPut(this.function, 'digests/*');
    props.sendQueue.grantSendMessages(this.function);

    const role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
    });
    role.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
    );
    const [hour, minute] = props.dailyAt.split(':').map(Number);
    const schedules = {
      Daily: `cron(${minute} ${hour} * * ? *)`,
      Weekly: `cron(${minute} ${hour} ? * ${props.weeklyOn} *)`,
    };
    for (const [name, expression] of Object.entries(schedules)) {
      new CfnSchedule(this, name, {
        description: `Herald ${name.toLowerCase()} digest`,
        scheduleExpression: expression,
        scheduleExpressionTimezone: props.timeZone,
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: this.function.functionArn,
          roleArn: role.roleArn,
          input: JSON.stringify({ cadence: name.toLowerCase() }),
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        },
      });
    }
  }
}
