import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { loadAddressKey, loadTokenKeys } from '#adapters/token-keys.ts';
import { S3_PREFIXES } from '#config/contract/storage.ts';
import { DEFAULT_STACK_NAME, STACK_OUTPUTS, type StackSetting, stackNames } from '#config/stack-outputs.ts';
import type { AddressKey } from '#core/subscriptions/address-hash.ts';
import type { TokenKeys } from '#core/tokens.ts';
import {
  applyLocalEnvironment,
  handlerEnvironment,
  heraldHome,
  type LocalConfig,
  localKeysIn,
  readLocalConfig,
} from '#local/environment.ts';

/** What `herald --help` says about choosing a stack. */
export const STACK_HELP = `
Stacks:
  Every command but preview works on the running local stack (npm start; found through
  $HERALD_HOME/local.json, default .herald). With HERALD_STACK=aws it works on the deployed stacks, with
  the usual AWS credentials and region (AWS_PROFILE, AWS_REGION): it reads the table, bucket, queues and
  secrets from the outputs of ${DEFAULT_STACK_NAME} and ${DEFAULT_STACK_NAME}State (HERALD_STACK_NAME=<name>
  for a deployment with another stackName). A variable named like a setting (HERALD_TABLE, HERALD_BUCKET,
  …) overrides the output.`;

/** What every command's own `--help` says about it. */
export const STACK_HINT = '\nOn the local stack; with HERALD_STACK=aws, on the deployed one (herald --help).';

export type StackKind = 'local' | 'aws';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Which stack the commands work on: HERALD_STACK unset or `local` (npm start's), or `aws`. */
export function stackKind(env: NodeJS.ProcessEnv = process.env): StackKind {
  const value = (env.HERALD_STACK ?? '').trim().toLowerCase() || 'local';
  if (value === 'local' || value === 'aws') return value;
  throw new UsageError(
    `HERALD_STACK is "${env.HERALD_STACK}": leave it unset for the local stack, or set it to "aws" for the deployed one`,
  );
}

/** The stack a command works on, with what every command needs; the environment holds the rest. */
export interface StackTarget {
  readonly kind: StackKind;
  readonly table: string;
  readonly bucket: string;
  readonly documentsPrefix: string;
  /** A setting only some commands need: its value, or an error naming the variable and the output. */
  setting(name: StackSetting): string;
  tokenKeys(): Promise<TokenKeys>;
  addressKey(): Promise<AddressKey>;
}

/**
 * Points the SDK and the handler modules (`process.env`) at the stack HERALD_STACK names, and returns it.
 * Locally: the running stack of HERALD_HOME, its endpoints and keys. On AWS: the stacks' outputs (read
 * once; a variable already set wins), and the keys from Secrets Manager.
 */
export async function stackTarget(env: NodeJS.ProcessEnv = process.env): Promise<StackTarget> {
  if (stackKind(env) === 'local') {
    const config = localTarget(env);
    // The keys stay in HERALD_HOME and the environment of this process: never printed.
    Object.assign(env, handlerEnvironment(config), localKeysIn(heraldHome(env)));
  } else {
    await fillFromOutputs(env);
  }
  const setting = (name: StackSetting): string => {
    const value = env[name]?.trim();
    if (value) return value;
    const { output, what } = STACK_OUTPUTS[name];
    throw new UsageError(
      `this needs ${what}: set ${name}, or deploy a version whose stacks output ${output}`,
    );
  };
  return {
    kind: stackKind(env),
    table: setting('HERALD_TABLE'),
    bucket: setting('HERALD_BUCKET'),
    documentsPrefix: env.HERALD_DOCUMENTS_PREFIX || S3_PREFIXES.documents,
    setting,
    tokenKeys: () => loadTokenKeys(env),
    addressKey: () => loadAddressKey(env),
  };
}

/** Sets every stack setting the environment does not already hold from the deployed stacks' outputs. */
export async function fillFromOutputs(env: NodeJS.ProcessEnv): Promise<void> {
  const missing = (Object.keys(STACK_OUTPUTS) as StackSetting[]).filter((name) => !env[name]?.trim());
  if (missing.length === 0) return;
  const names = stackNames(env.HERALD_STACK_NAME?.trim() || DEFAULT_STACK_NAME);
  const client = new CloudFormationClient({});
  const region = await client.config.region().catch(() => undefined);
  if (!region)
    throw new UsageError('HERALD_STACK=aws needs a region: set AWS_REGION (or a profile that has one)');
  const outputs = new Map<string, Map<string, string>>();
  for (const [kind, stackName] of Object.entries(names)) {
    const found = await client
      .send(new DescribeStacksCommand({ StackName: stackName }))
      .catch((error: Error & { name: string }) => {
        if (/does not exist/.test(error.message))
          throw new UsageError(
            `there is no stack ${stackName} in ${region}: deploy it (npx cdk deploy --all), or set HERALD_STACK_NAME to the name it was deployed under`,
          );
        throw new Error(`cannot read the stack ${stackName} in ${region}: ${error.message}`);
      });
    outputs.set(
      kind,
      new Map((found.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])),
    );
  }
  for (const name of missing) {
    const { stack, output } = STACK_OUTPUTS[name];
    const value = outputs.get(stack)?.get(output);
    if (value) env[name] = value;
  }
}

/** The running local stack, found through `$HERALD_HOME/local.json`; the SDK pointed at it. */
function localTarget(env: NodeJS.ProcessEnv): LocalConfig {
  const config = readLocalConfig(heraldHome(env));
  applyLocalEnvironment(config, env);
  return config;
}
