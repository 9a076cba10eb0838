import { accountCheck, dailyQuotaCheck, sendRateCheck } from '#core/doctor/account-checks.ts';
import type { DoctorAnswers } from '#core/doctor/answers.ts';
import type { DoctorCheck } from '#core/doctor/check.ts';
import { configurationSetChecks } from '#core/doctor/configuration-set-checks.ts';
import { deploymentChecks } from '#core/doctor/deployment-checks.ts';
import { identityChecks } from '#core/doctor/identity-checks.ts';

export interface DoctorReport {
  readonly stack: 'local' | 'aws';
  readonly region: string;
  readonly deployment: string;
  /** False when a check failed: Herald cannot send until it is fixed. */
  readonly sendable: boolean;
  readonly checks: readonly DoctorCheck[];
}

/** Every record the checks found still to publish, in one place an operator can copy from. */
function dnsCheck(checks: readonly DoctorCheck[]): DoctorCheck {
  const records = checks.flatMap((check) => check.records ?? []);
  if (records.length > 0)
    return {
      id: 'dns',
      title: 'DNS records',
      status: 'warn',
      found: `${records.length} record${records.length === 1 ? '' : 's'} still to publish`,
      fix: 'publish these at the DNS host of the domain; SES looks for them for 72 hours',
      records,
    };
  const settled = checks
    .filter((check) => check.id === 'dkim' || check.id === 'mail-from')
    .every((check) => check.status === 'ok');
  return {
    id: 'dns',
    title: 'DNS records',
    status: 'ok',
    found: settled
      ? 'nothing left to publish: DKIM and MAIL FROM are verified'
      : 'none known to publish (see DKIM and MAIL FROM above)',
  };
}

/**
 * Whether a deployment can send, and what to fix, from what SES, Secrets Manager and the stacks
 * answered: in the order an operator fixes things, from the account down to the DNS records.
 */
export function diagnose(answers: DoctorAnswers): DoctorReport {
  const checks = [
    accountCheck(answers),
    ...identityChecks(answers),
    ...configurationSetChecks(answers),
    sendRateCheck(answers),
    dailyQuotaCheck(answers),
    ...deploymentChecks(answers),
  ];
  checks.push(dnsCheck(checks));
  return {
    stack: answers.stack,
    region: answers.region,
    deployment: answers.deployment,
    sendable: checks.every((check) => check.status !== 'fail'),
    checks,
  };
}
