import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { HeraldFunction } from './herald-function.ts';

/** What a function that sends through SES is given: the identity and configuration set it may use. */
export class SesSending {
  constructor(
    readonly identityArn: string,
    readonly configurationSetArn: string,
    readonly configurationSetName: string,
  ) {}

  /**
   * Lets `fn` send: `how` (SendEmail, one mail a call; SendBulkEmail, a digest's readers a call) from the
   * identity through the configuration set only (its name in the environment), and GetAccount for the
   * account's MaxSendRate and Max24HourSend (no resource-level permissions there).
   */
  grantSend(fn: HeraldFunction, how: 'ses:SendEmail' | 'ses:SendBulkEmail' = 'ses:SendEmail'): void {
    fn.setEnvironment({ HERALD_SES_CONFIGURATION_SET: this.configurationSetName });
    fn.addToRolePolicy(new PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }));
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [how],
        resources: [this.identityArn, this.configurationSetArn],
      }),
    );
  }
}
