import { CfnOutput } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { STACK_OUTPUTS, type StackSetting } from '#config/stack-outputs.ts';

/**
 * A stack output the CLI reads with `HERALD_STACK=aws`: named by the shared contract, so a command finds
 * the table, bucket, queues and secrets of a deployment without being told them.
 */
export function settingOutput(scope: Construct, setting: StackSetting, value: string): CfnOutput {
  const { output, what } = STACK_OUTPUTS[setting];
  return new CfnOutput(scope, output, { value, description: `${what} (${setting} for herald)` });
}
