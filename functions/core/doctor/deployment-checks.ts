import type { DoctorAnswers, SecretAnswer } from '#core/doctor/answers.ts';
import { type DoctorCheck, unanswered } from '#core/doctor/check.ts';

/** What the operator is told about one of the deployment's secrets. */
interface SecretKind {
  readonly id: 'token-keys' | 'address-key';
  readonly title: string;
  readonly variable: string;
  readonly output: string;
  /** A well-formed value, with placeholders for what is secret. */
  readonly example: string;
  readonly localFile: string;
}

const TOKEN_KEYS: SecretKind = {
  id: 'token-keys',
  title: 'Token keys secret',
  variable: 'HERALD_TOKEN_KEYS_SECRET_ARN',
  output: 'TokenKeysSecret',
  example: `'{"current":"k1","k1":"<32 or more random characters>"}'`,
  localFile: 'token-keys.json',
};

const ADDRESS_KEY: SecretKind = {
  id: 'address-key',
  title: 'Address key secret',
  variable: 'HERALD_ADDRESS_KEY_SECRET_ARN',
  output: 'AddressKeySecret',
  example: `'<32 or more random characters>'`,
  localFile: 'address-key',
};

function secretCheck(answers: DoctorAnswers, kind: SecretKind, secret: SecretAnswer): DoctorCheck {
  const { id, title } = kind;
  if ('value' in secret.answer)
    return {
      id,
      title,
      status: 'ok',
      found: `${secret.source}: readable and well formed (${secret.answer.value})`,
    };
  const { failure } = secret.answer;
  const local = answers.stack === 'local';
  switch (failure.kind) {
    case 'unset':
      return {
        id,
        title,
        status: 'warn',
        found: `not checked: no secret is named (${kind.variable}, output ${kind.output})`,
        fix: `deploy this version (npm run deploy), whose state stack outputs ${kind.output}, or set ${kind.variable}`,
      };
    case 'not-found':
      return {
        id,
        title,
        status: 'fail',
        found: `${secret.source} does not exist: the functions cannot start without it`,
        fix: `deploy the state stack (npm run deploy), which creates it; ${kind.variable}, if set, must name it`,
      };
    case 'malformed':
      return {
        id,
        title,
        status: 'fail',
        found: `${failure.message}: the functions cannot start with it`,
        fix: local
          ? `it lives in HERALD_HOME (${kind.localFile}): remove that file and restart npm start, which makes a new one`
          : `aws secretsmanager put-secret-value --secret-id ${secret.source} --secret-string ${kind.example}`,
      };
    default:
      return unanswered(id, title, failure, answers.stack);
  }
}

/** Whether the stacks were found, and output every setting the CLI reads. */
function outputsCheck(answers: DoctorAnswers): DoctorCheck {
  const title = 'Stack outputs';
  if (answers.stack === 'local')
    return {
      id: 'stack-outputs',
      title,
      status: 'ok',
      found: `the local stack of ${answers.deployment} is running (its settings are in its local.json; it has no stack outputs)`,
    };
  const stacks = `${answers.deployment}State and ${answers.deployment}`;
  if (answers.deploymentProblem)
    return {
      id: 'stack-outputs',
      title,
      status: 'fail',
      found: answers.deploymentProblem,
      fix: 'deploy it (npm run deploy, after npx cdk bootstrap), or set HERALD_STACK_NAME to the name it was deployed under',
    };
  const missing = answers.missingOutputs;
  if (missing.length === 0)
    return { id: 'stack-outputs', title, status: 'ok', found: `${stacks} output every setting herald reads` };
  return {
    id: 'stack-outputs',
    title,
    status: 'warn',
    found: `${stacks} do not output ${missing.map((m) => `${m.output} (${m.what}, ${m.stackName})`).join(', ')}`,
    fix: `deploy this version (npm run deploy), or set ${missing.map((m) => m.setting).join(', ')}`,
  };
}

export function deploymentChecks(answers: DoctorAnswers): DoctorCheck[] {
  return [
    secretCheck(answers, TOKEN_KEYS, answers.tokenKeys),
    secretCheck(answers, ADDRESS_KEY, answers.addressKey),
    outputsCheck(answers),
  ];
}
