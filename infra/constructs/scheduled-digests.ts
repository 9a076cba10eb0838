import { Duration, TimeZone } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionEnvironment } from '#config/contract/environment.ts';
import { objectsUnder, S3_PREFIXES } from '#config/contract/storage.ts';
import type { Weekday } from '#core/digests/schedule-times.ts';
import { HeraldFunction } from './herald-function.ts';

export interface ScheduledDigestsProps {
  readonly bucket: IBucket;
  readonly table: ITableV2;
  readonly sendQueue: IQueue;
  readonly timeZone: string;
  /** `HH:MM` in `timeZone`. */
  readonly dailyAt: string;
  readonly weeklyOn: Weekday;
  readonly environment: FunctionEnvironment;
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
    props.bucket.grantPut(this.function, objectsUnder(S3_PREFIXES.digests));
    props.sendQueue.grantSendMessages(this.function);

    const [hour, minute] = props.dailyAt.split(':').map((part) => String(Number(part)));
    const timeZone = TimeZone.of(props.timeZone);
    const schedules = {
      Daily: ScheduleExpression.cron({ minute, hour, timeZone }),
      Weekly: ScheduleExpression.cron({ minute, hour, weekDay: props.weeklyOn, timeZone }),
    };
    for (const [name, schedule] of Object.entries(schedules)) {
      const cadence = name.toLowerCase();
      new Schedule(this, name, {
        description: `Herald ${cadence} digest`,
        schedule,
        // One role per schedule, allowed to invoke this function and nothing else.
        target: new LambdaInvoke(this.function, {
          input: ScheduleTargetInput.fromObject({ cadence }),
          retryAttempts: 3,
          maxEventAge: Duration.hours(1),
        }),
      });
    }
  }
}
