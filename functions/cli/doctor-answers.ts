import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  GetAccountCommand,
  GetConfigurationSetCommand,
  GetConfigurationSetEventDestinationsCommand,
  GetEmailIdentityCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { fillFromOutputs, stackKind, stackTarget, UsageError } from '#cli/target.ts';
import { parseAddressKey, parseTokenKeys } from '#config/env.ts';
import { DEFAULT_STACK_NAME, STACK_OUTPUTS, type StackSetting, stackNames } from '#config/stack-outputs.ts';
import type {
  AccountAnswer,
  Answer,
  DoctorAnswers,
  EventDestinationAnswer,
  Failure,
  IdentityAnswer,
  MissingOutput,
  SecretAnswer,
} from '#core/doctor/answers.ts';
import { bareAddress, identityCandidates } from '#core/doctor/identity-checks.ts';
import { ConfigError } from '#core/errors.ts';
import { heraldHome } from '#local/environment.ts';

/**
 * Every question has an answer or a reason within seconds: the local SES emulator never answers some
 * operations, and a doctor that hangs tells an operator nothing.
 */
export const DOCTOR_TIMEOUT_MS = 5_000;
const clientOptions = {
  requestHandler: {
    requestTimeout: DOCTOR_TIMEOUT_MS,
    connectionTimeout: DOCTOR_TIMEOUT_MS,
    // Without it the SDK only logs a warning when the time is up, and goes on waiting.
    throwOnRequestTimeout: true,
  },
  maxAttempts: 2,
};

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);

/** An SDK error as an answer's failure: what kind, and a message (SDK messages never hold a secret value). */
export function failureOf(error: unknown, action: string): Failure {
  const e = (error ?? {}) as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const message = e.message || name;
  if (name === 'NotFoundException' || name === 'ResourceNotFoundException')
    return { kind: 'not-found', action, message };
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || status === 403)
    return { kind: 'denied', action, message: `${action} was denied: ${message}` };
  if (name === 'TimeoutError' || name === 'RequestTimeout')
    return {
      kind: 'unanswered',
      action,
      message: `no answer to ${action} within ${DOCTOR_TIMEOUT_MS / 1000} s`,
    };
  if ((e.code && UNREACHABLE.has(e.code)) || status === 404 || status === 501)
    return { kind: 'unanswered', action, message: `no answer to ${action} (${e.code ?? `HTTP ${status}`})` };
  return { kind: 'failed', action, message: `${action} failed: ${name}: ${message}` };
}

async function ask<T>(action: string, question: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { value: await question() };
  } catch (error) {
    return { failure: failureOf(error, action) };
  }
}

async function account(ses: SESv2Client): Promise<Answer<AccountAnswer>> {
  return ask('ses:GetAccount', async () => {
    const answer = await ses.send(new GetAccountCommand({}));
    return {
      productionAccessEnabled: answer.ProductionAccessEnabled === true,
      sendingEnabled: answer.SendingEnabled !== false,
      enforcementStatus: answer.EnforcementStatus ?? 'HEALTHY',
      maxSendRate: answer.SendQuota?.MaxSendRate ?? 0,
      max24HourSend: answer.SendQuota?.Max24HourSend ?? 0,
      sentLast24Hours: answer.SendQuota?.SentLast24Hours ?? 0,
    };
  });
}

async function identity(ses: SESv2Client, name: string): Promise<Answer<IdentityAnswer>> {
  return ask('ses:GetEmailIdentity', async () => {
    const answer = await ses.send(new GetEmailIdentityCommand({ EmailIdentity: name }));
    const dkim = answer.DkimAttributes;
    const mailFrom = answer.MailFromAttributes;
    return {
      verifiedForSending: answer.VerifiedForSendingStatus === true,
      verificationStatus: answer.VerificationStatus ?? 'NOT_STARTED',
      ...(dkim ? { dkim: { status: dkim.Status ?? 'NOT_STARTED', tokens: dkim.Tokens ?? [] } } : {}),
      ...(mailFrom?.MailFromDomain
        ? {
            mailFrom: {
              domain: mailFrom.MailFromDomain,
              status: mailFrom.MailFromDomainStatus ?? 'PENDING',
              behaviorOnMxFailure: mailFrom.BehaviorOnMxFailure ?? 'USE_DEFAULT_VALUE',
            },
          }
        : {}),
    };
  });
}

async function configurationSet(ses: SESv2Client, name: string): Promise<DoctorAnswers['configurationSet']> {
  const [exists, destinations] = await Promise.all([
    ask('ses:GetConfigurationSet', async () => {
      await ses.send(new GetConfigurationSetCommand({ ConfigurationSetName: name }));
      return true as const;
    }),
    ask('ses:GetConfigurationSetEventDestinations', async () => {
      const answer = await ses.send(
        new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: name }),
      );
      return (answer.EventDestinations ?? []).map(
        (d): EventDestinationAnswer => ({
          name: d.Name ?? '(unnamed)',
          enabled: d.Enabled === true,
          matchingEventTypes: d.MatchingEventTypes ?? [],
          toEventBridge: Boolean(d.EventBridgeDestination?.EventBusArn),
        }),
      );
    }),
  ]);
  return { name, exists, destinations };
}

/**
 * A secret, read and parsed as the functions parse it; only a description of it leaves here. On AWS
 * from Secrets Manager (the secret the stacks name); locally from the stack's HERALD_HOME.
 */
async function secret(
  secrets: SecretsManagerClient | undefined,
  env: NodeJS.ProcessEnv,
  names: { local: string; arn: string; file: string },
  describe: (value: string, source: string) => string,
): Promise<SecretAnswer> {
  const malformed = (error: unknown, source: string): SecretAnswer => {
    if (!(error instanceof ConfigError)) throw error;
    return { source, answer: { failure: { kind: 'malformed', action: 'parse', message: error.message } } };
  };
  if (!secrets) {
    const source = `the local stack's ${names.file}`;
    try {
      return { source, answer: { value: describe(env[names.local] ?? '', source) } };
    } catch (error) {
      return malformed(error, source);
    }
  }
  const arn = env[names.arn]?.trim();
  if (!arn)
    return {
      source: names.arn,
      answer: {
        failure: { kind: 'unset', action: 'secretsmanager:GetSecretValue', message: `${names.arn} is unset` },
      },
    };
  const read = await ask('secretsmanager:GetSecretValue', async () => {
    const answer = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
    return answer.SecretString ?? '';
  });
  if ('failure' in read) return { source: arn, answer: read };
  try {
    return { source: arn, answer: { value: describe(read.value, arn) } };
  } catch (error) {
    return malformed(error, arn);
  }
}

/** The settings the stacks did not output (a variable set counts as given). */
function missingOutputs(env: NodeJS.ProcessEnv, deployment: string): MissingOutput[] {
  const names = stackNames(deployment);
  return (Object.keys(STACK_OUTPUTS) as StackSetting[])
    .filter((setting) => !env[setting]?.trim())
    .map((setting) => {
      const { stack, output, what } = STACK_OUTPUTS[setting];
      return { setting, output, what, stackName: names[stack] };
    });
}

/**
 * Asks the deployment HERALD_STACK names everything `herald doctor` checks. Locally, the SDK goes to
 * the running stack's endpoints (found as every command finds them); on AWS, the deployment is found
 * through its stacks' outputs. The questions are asked at once; none waits past DOCTOR_TIMEOUT_MS.
 */
export async function askDeployment(env: NodeJS.ProcessEnv = process.env): Promise<DoctorAnswers> {
  const stack = stackKind(env);
  let deployment: string;
  let deploymentProblem: string | undefined;
  if (stack === 'local') {
    await stackTarget(env);
    deployment = heraldHome(env);
  } else {
    deployment = env.HERALD_STACK_NAME?.trim() || DEFAULT_STACK_NAME;
    await awsIdentity();
    try {
      await fillFromOutputs(env);
    } catch (error) {
      deploymentProblem = error instanceof Error ? error.message : String(error);
    }
  }
  const ses = new SESv2Client(clientOptions);
  const secrets = stack === 'aws' ? new SecretsManagerClient(clientOptions) : undefined;
  const region = await ses.config.region();
  const fromAddress = env.HERALD_FROM_ADDRESS?.trim() || undefined;
  const address = fromAddress ? bareAddress(fromAddress) : undefined;
  const setName = env.HERALD_SES_CONFIGURATION_SET?.trim();
  const [accountAnswer, identities, set, tokenKeys, addressKey] = await Promise.all([
    account(ses),
    Promise.all(
      (address ? identityCandidates(address) : []).map(async (name) => ({
        name,
        answer: await identity(ses, name),
      })),
    ),
    setName ? configurationSet(ses, setName) : undefined,
    secret(
      secrets,
      env,
      { local: 'HERALD_TOKEN_KEYS', arn: 'HERALD_TOKEN_KEYS_SECRET_ARN', file: 'token-keys.json' },
      (value, source) => {
        const keys = parseTokenKeys(value, source);
        return `current key ${keys.current}, ${keys.keys.size} key${keys.keys.size === 1 ? '' : 's'}`;
      },
    ),
    secret(
      secrets,
      env,
      { local: 'HERALD_ADDRESS_KEY', arn: 'HERALD_ADDRESS_KEY_SECRET_ARN', file: 'address-key' },
      (value, source) => {
        parseAddressKey(value, source);
        return 'a key of 32 characters or more';
      },
    ),
  ]);
  return {
    stack,
    region,
    deployment,
    ...(deploymentProblem ? { deploymentProblem } : {}),
    missingOutputs: stack === 'aws' && !deploymentProblem ? missingOutputs(env, deployment) : [],
    ...(fromAddress ? { fromAddress } : {}),
    identities,
    account: accountAnswer,
    ...(set ? { configurationSet: set } : {}),
    configured: {
      ...(env.HERALD_MAX_SEND_RATE !== undefined ? { maxSendRate: env.HERALD_MAX_SEND_RATE } : {}),
      ...(env.HERALD_DAILY_QUOTA !== undefined ? { dailyQuota: env.HERALD_DAILY_QUOTA } : {}),
    },
    tokenKeys,
    addressKey,
  };
}

/** On AWS, a region and credentials first: without them every answer would be the same error. */
async function awsIdentity(): Promise<void> {
  const probe = new SESv2Client({});
  const region = await probe.config.region().catch(() => undefined);
  if (!region)
    throw new UsageError('HERALD_STACK=aws needs a region: set AWS_REGION (or a profile that has one)');
  try {
    await probe.config.credentials();
  } catch {
    throw new UsageError(
      'HERALD_STACK=aws needs AWS credentials: set AWS_PROFILE (after aws sso login or aws configure), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  }
}
