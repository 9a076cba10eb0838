import type { Stack } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';
import { S3_PREFIXES } from '#config/contract/storage.ts';

/** Herald's own prefixes in its bucket, as the grants name them (`digests/`, …). */
const prefixes = Object.values(S3_PREFIXES);

/**
 * The cdk-nag AwsSolutions findings Herald accepts, each with its reason. Anything not listed here fails
 * the tests (and `cdk synth`).
 */
export function acknowledgeNagFindings(stack: Stack): void {
  NagSuppressions.addStackSuppressions(stack, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'X-Ray tracing (PutTraceSegments, PutTelemetryRecords) and SES GetAccount have no resource-level permissions.',
      appliesTo: ['Resource::*'],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'Grants on the Herald table cover its own secondary indexes (audience, alsoOriginal).',
      appliesTo: [{ regex: '/^Resource::.*Table.*\\/index\\/\\*$/g' }],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: `Functions may touch only objects under Herald's own prefixes (${prefixes.join(', ')}).`,
      appliesTo: [
        {
          regex: `/^Resource::.*Bucket.*\\/(${prefixes.map((prefix) => prefix.slice(0, -1)).join('|')})\\/\\*$/g`,
        },
      ],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'CDK grant action groups (s3:GetObject*, s3:List*, …), scoped to the bucket and a prefix.',
      appliesTo: [{ regex: '/^Action::s3:(GetObject|GetBucket|List|Abort|DeleteObject)\\*$/g' }],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'The scheduler may invoke the scheduled-digest function and nothing else: lambda grantInvoke adds its versions and aliases (ARN:*).',
      appliesTo: [{ regex: '/^Resource::<ScheduledDigestsFunction[0-9A-F]+\\.Arn>:\\*$/g' }],
    },
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'Public pages and endpoints for readers: every state-changing request carries an HMAC-signed token or a verified proof of work, and is rate-limited.',
    },
    {
      id: 'AwsSolutions-SMG4',
      reason:
        'Token keys are versioned by hand ("current" + older keys verify) so old unsubscribe links keep working; rotation is documented. The address key must never rotate: suppressed addresses would become mailable again.',
    },
    {
      id: 'AwsSolutions-IAM4',
      reason:
        'Only the CDK-provided bucket-notification custom resource uses the AWS managed basic execution role.',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    },
  ]);
}
