import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Alias } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface ObservabilityProps {
  readonly functions: Readonly<Record<string, LambdaFunction>>;
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** Where alarms go (an SNS e-mail subscription); the topic exists either way. */
  readonly alarmEmail?: string;
}

const herald = (metricName: string, statistic = 'Sum') =>
  new Metric({
    namespace: 'Herald',
    metricName,
    dimensionsMap: { service: 'herald' },
    statistic,
    period: Duration.minutes(5),
  });

/**
 * Alarms to an SNS topic — a dead-letter queue that is not empty, a function that fails, SES bounce and
 * complaint rates well below the levels at which SES reviews or pauses an account (2 % and 0.05 %),
 * sending paused — and a dashboard of what Herald does.
 */
export class Observability extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', {
      displayName: 'Herald alarms',
      enforceSSL: true,
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const alarm = (name: string, metric: IMetric, threshold: number, description: string) => {
      const created = new Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new SnsAction(this.topic));
      this.alarms.push(created);
    };

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        1,
        `Messages wait in the ${name} dead-letter queue: look at them and redrive`,
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${name}Errors`,
        fn.metricErrors({ period: Duration.minutes(5) }),
        1,
        `The ${name} function failed`,
      );
    }
    const reputation = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.minutes(15) });
    alarm(
      'BounceRate',
      reputation('Reputation.BounceRate'),
      0.02,
      'SES bounce rate reached 2 % (SES reviews at 5 %, pauses at 10 %)',
    );
    alarm(
      'ComplaintRate',
      reputation('Reputation.ComplaintRate'),
      0.0005,
      'SES complaint rate reached 0.05 % (SES reviews at 0.1 %, pauses at 0.5 %)',
    );
    alarm(
      'SendingPaused',
      herald('sendingPaused', 'Maximum'),
      1,
      'Herald paused sending (account-level refusal, quota, or too many failures)',
    );

    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: undefined });
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Documents',
        left: [herald('documentsIngested'), herald('documentsQuarantined'), herald('articlesWithdrawn')],
      }),
      new GraphWidget({
        title: 'Mail',
        left: [herald('mailsSent'), herald('mailsFailed'), herald('mailsSkipped'), herald('sesThrottled')],
      }),
      new GraphWidget({
        title: 'Dead letters',
        left: Object.values(props.deadLetterQueues).map((q) =>
          q.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        ),
      }),
      new GraphWidget({
        title: 'SES reputation',
        left: [
          new MathExpression({
            expression: 'b * 100',
            period: Duration.minutes(15),
            usingMetrics: { b: reputation('Reputation.BounceRate') },
            label: 'bounce %',
          }),
          new MathExpression({
            expression: 'c * 100',
            period: Duration.minutes(15),
            usingMetrics: { c: reputation('Reputation.ComplaintRate') },
            label: 'complaint %',
          }),
        ],
      }),
    );
  }
}
