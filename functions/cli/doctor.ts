import { Command } from 'commander';
import { askDeployment } from '#cli/doctor-answers.ts';
import { recordLine } from '#core/doctor/check.ts';
import { type DoctorReport, diagnose } from '#core/doctor/diagnose.ts';

const LABEL = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;

/** The report as an operator reads it: one line a check, the records to publish under theirs. */
export function formatReport(report: DoctorReport): string {
  const where =
    report.stack === 'aws'
      ? `the deployment ${report.deployment} in ${report.region}`
      : `the local stack (${report.deployment})`;
  const lines = [`herald doctor: ${where}`, ''];
  for (const check of report.checks) {
    lines.push(`${LABEL[check.status]}  ${check.title}: ${check.found}${check.fix ? ` → ${check.fix}` : ''}`);
    if (check.id === 'dns')
      for (const record of check.records ?? []) lines.push(`      ${recordLine(record)}`);
  }
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const failed = report.checks.filter((check) => check.status === 'fail').length;
  const warned = report.checks.filter((check) => check.status === 'warn').length;
  // An unanswered question is a warning, never taken for a yes: the summary says how many were not made.
  const unchecked = report.checks.filter((check) => check.found.startsWith('not checked')).length;
  const notes = [
    ...(unchecked ? [`${count(unchecked, 'check')} not made`] : []),
    ...(warned ? [count(warned, 'warning')] : []),
  ];
  lines.push(
    '',
    report.sendable
      ? `Herald can send${unchecked ? ' as far as was checked' : ''}${notes.length ? ` (${notes.join(', ')})` : ''}.`
      : `Herald cannot send: ${[`${count(failed, 'blocking problem')} (FAIL above)`, ...notes].join(', ')}.`,
  );
  return lines.join('\n');
}

/** Runs the checks against the deployment HERALD_STACK names: what to print, and the exit code. */
export async function runDoctor(
  options: { json?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ output: string; exitCode: 0 | 1 }> {
  const report = diagnose(await askDeployment(env));
  return {
    output: options.json ? JSON.stringify(report, null, 2) : formatReport(report),
    exitCode: report.sendable ? 0 : 1,
  };
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .summary('whether the deployment can send, and what to fix (exit 1 when it cannot)')
    .description(
      'whether the deployment can send, and what to fix: SES account and sandbox, From identity, DKIM, MAIL FROM, configuration set and its bounce and complaint events, rate and daily quota, secrets, stack outputs, DNS records to publish (exit 1 when it cannot send)',
    )
    .option('--json', 'print the checks as JSON')
    .action(async (options: { json?: boolean }) => {
      const { output, exitCode } = await runDoctor(options);
      console.log(output);
      process.exitCode = exitCode;
    });
}
