/** What a function that sends through SES is given: the identity and configuration set it may use. */
export interface SesSend {
  readonly identityArn: string;
  readonly configurationSetArn: string;
  readonly configurationSetName: string;
}
