/**
 * What an operator's command needs from the deployed stacks, shared by the CDK app (which outputs each
 * value under its name) and the CLI (which reads the outputs with `HERALD_STACK=aws`): the environment
 * variable a command reads, the stack that outputs it (`state` is `<name>State`), and the output's name.
 */
export const STACK_OUTPUTS = {
  HERALD_TABLE: { stack: 'state', output: 'Table', what: 'the table' },
  HERALD_BUCKET: { stack: 'state', output: 'Bucket', what: 'the documents bucket' },
  HERALD_DOCUMENTS_PREFIX: { stack: 'state', output: 'DocumentsPrefix', what: 'where documents are dropped' },
  HERALD_TOKEN_KEYS_SECRET_ARN: {
    stack: 'state',
    output: 'TokenKeysSecret',
    what: 'the token keys secret (links in mail)',
  },
  HERALD_ADDRESS_KEY_SECRET_ARN: {
    stack: 'state',
    output: 'AddressKeySecret',
    what: 'the address key secret (subscriber ids)',
  },
  HERALD_SEND_QUEUE_URL: { stack: 'app', output: 'SendQueueUrl', what: 'the send queue' },
  HERALD_PUBLIC_BASE_URL: { stack: 'app', output: 'PublicBaseUrl', what: 'the base of links in mail' },
  HERALD_FROM_ADDRESS: { stack: 'app', output: 'FromAddress', what: 'the From of every mail' },
  HERALD_PUBLISHER_NAME: { stack: 'app', output: 'PublisherName', what: 'the publisher shown in mail' },
  HERALD_SES_CONFIGURATION_SET: {
    stack: 'app',
    output: 'ConfigurationSet',
    what: 'the SES configuration set',
  },
  HERALD_SCHEDULED_DIGEST_FUNCTION: {
    stack: 'app',
    output: 'ScheduledDigestFunction',
    what: 'the scheduled-digest function',
  },
} as const satisfies Record<string, { stack: 'state' | 'app'; output: string; what: string }>;

export type StackSetting = keyof typeof STACK_OUTPUTS;

/** The names of the two stacks of a deployment named `name` (the CDK context key `stackName`). */
export function stackNames(name: string): Record<'state' | 'app', string> {
  return { state: `${name}State`, app: name };
}

/** The default deployment name, in the CDK app and the CLI (`HERALD_STACK_NAME`). */
export const DEFAULT_STACK_NAME = 'Herald';
