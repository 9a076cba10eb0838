import { DAILY_QUOTA_SHARE, dailyQuotaOf } from '#core/delivery/account-share.ts';
import type { AccountAnswer, Answer, DoctorAnswers } from '#core/doctor/answers.ts';
import { type DoctorCheck, unanswered } from '#core/doctor/check.ts';

const MORE_RATE = 'Service Quotas console → Amazon Simple Email Service → Sending rate';
const MORE_QUOTA = 'Service Quotas console → Amazon Simple Email Service → Sending quota';
const PRODUCTION_ACCESS =
  'SES console → Account dashboard → Request production access (or aws sesv2 put-account-details --production-access-enabled --mail-type MARKETING --website-url <your site> --use-case-description "<how readers subscribe>")';

/** SES GetAccount: whether the account may send to anyone at all. */
export function accountCheck(answers: DoctorAnswers): DoctorCheck {
  const title = 'SES account';
  if ('failure' in answers.account)
    return unanswered('account', title, answers.account.failure, answers.stack);
  const account = answers.account.value;
  const where = `in ${answers.region}`;
  if (account.enforcementStatus === 'SHUTDOWN' || !account.sendingEnabled) {
    const shutDown = account.enforcementStatus === 'SHUTDOWN';
    return {
      id: 'account',
      title,
      status: 'fail',
      found: shutDown
        ? `SES has shut down sending for the account ${where} (enforcement SHUTDOWN)`
        : `sending is disabled for the account ${where}`,
      fix: shutDown
        ? 'SES console → Account dashboard → Reputation metrics: answer the case AWS opened'
        : 'aws sesv2 put-account-sending-attributes --sending-enabled',
    };
  }
  if (!account.productionAccessEnabled) {
    return {
      id: 'account',
      title,
      status: 'fail',
      found: `the account is in the SES sandbox ${where}: only verified addresses receive mail, so readers get nothing`,
      fix:
        answers.stack === 'local'
          ? 'the local stack was started with HERALD_SES_SANDBOX=true: restart npm start without it'
          : PRODUCTION_ACCESS,
    };
  }
  if (account.enforcementStatus !== 'HEALTHY') {
    return {
      id: 'account',
      title,
      status: 'warn',
      found: `production access ${where}, but the account is under review (enforcement ${account.enforcementStatus}): bounces or complaints are too high`,
      fix: 'SES console → Account dashboard → Reputation metrics; keep bounces under 5 % and complaints under 0.1 %',
    };
  }
  return {
    id: 'account',
    title,
    status: 'ok',
    found: `production access ${where}, sending enabled, enforcement HEALTHY`,
  };
}

const perSecond = (n: number) => `${n} mail${n === 1 ? '' : 's'} a second`;

/** A configured number, or why it is not one (the senders refuse to start with it). */
function configuredNumber(
  name: string,
  raw: string | undefined,
  valid: (value: number) => boolean,
  what: string,
): { value?: number; problem?: string } {
  if (raw === undefined || raw.trim() === '') return {};
  const value = Number(raw);
  if (!valid(value)) return { problem: `${name} is "${raw}", not ${what}` };
  return { value };
}

function accountOf(answer: Answer<AccountAnswer>): AccountAnswer | undefined {
  return 'value' in answer ? answer.value : undefined;
}

const FIXES = {
  rate: 'set HERALD_MAX_SEND_RATE (context maxSendRate) to a positive number, or leave it unset for the account’s rate',
  quota:
    'set HERALD_DAILY_QUOTA (context dailyQuota) to a whole number, or leave it unset for 95 % of the account’s',
};

/** A setting the senders validate at cold start is wrong: they would not start at all. */
const refusedAtStart = (id: DoctorCheck['id'], title: string, problem: string, fix: string): DoctorCheck => ({
  id,
  title,
  status: 'fail',
  found: `${problem}: the senders refuse to start`,
  fix,
});

/** The senders' pace (HERALD_MAX_SEND_RATE) against the account's MaxSendRate. */
export function sendRateCheck(answers: DoctorAnswers): DoctorCheck {
  const title = 'Sending rate';
  const rate = configuredNumber(
    'HERALD_MAX_SEND_RATE',
    answers.configured.maxSendRate,
    (n) => Number.isFinite(n) && n > 0,
    'a positive number of mails a second',
  );
  if (rate.problem) return refusedAtStart('send-rate', title, rate.problem, FIXES.rate);
  const account = accountOf(answers.account);
  if (!account && 'failure' in answers.account)
    return unanswered('send-rate', title, answers.account.failure, answers.stack);
  const max = account!.maxSendRate;
  if (rate.value === undefined)
    return {
      id: 'send-rate',
      title,
      status: 'ok',
      found: `the senders pace at the account's MaxSendRate, ${perSecond(max)} (HERALD_MAX_SEND_RATE unset; set it to the context maxSendRate to check that one)`,
    };
  if (rate.value > max)
    return {
      id: 'send-rate',
      title,
      status: 'warn',
      found: `the senders pace at ${perSecond(rate.value)} (HERALD_MAX_SEND_RATE), above the account's MaxSendRate of ${max}: SES throttles the excess`,
      fix: `set the context maxSendRate (HERALD_MAX_SEND_RATE) to ${max} or less, or ask for more: ${MORE_RATE}`,
    };
  return {
    id: 'send-rate',
    title,
    status: 'ok',
    found: `the senders pace at ${perSecond(rate.value)}, within the account's MaxSendRate of ${max}`,
  };
}

/** Herald's daily quota (HERALD_DAILY_QUOTA, or 95 % of Max24HourSend) against the account's. */
export function dailyQuotaCheck(answers: DoctorAnswers): DoctorCheck {
  const title = 'Daily quota';
  const quota = configuredNumber(
    'HERALD_DAILY_QUOTA',
    answers.configured.dailyQuota,
    (n) => Number.isInteger(n) && n >= 0,
    'a whole number of mails (0: not counted)',
  );
  if (quota.problem) return refusedAtStart('daily-quota', title, quota.problem, FIXES.quota);
  const account = accountOf(answers.account);
  if (!account && 'failure' in answers.account)
    return unanswered('daily-quota', title, answers.account.failure, answers.stack);
  const { max24HourSend: max, sentLast24Hours: sent } = account!;
  const sentText = `${sent} sent in the last 24 hours`;
  if (max < 0)
    return {
      id: 'daily-quota',
      title,
      status: 'ok',
      found: `the account has no daily limit; ${sentText}`,
    };
  if (sent >= max)
    return {
      id: 'daily-quota',
      title,
      status: 'fail',
      found: `the account's Max24HourSend of ${max} is used up (${sentText}): SES refuses mail until the window rolls on`,
      fix: `wait for the 24-hour window to move on, or ask for more: ${MORE_QUOTA}`,
    };
  if (quota.value !== undefined && quota.value > max)
    return {
      id: 'daily-quota',
      title,
      status: 'warn',
      found: `Herald may send ${quota.value} a day (HERALD_DAILY_QUOTA), above the account's Max24HourSend of ${max}: SES refuses mail past ${max}`,
      fix: `set the context dailyQuota (HERALD_DAILY_QUOTA) to ${max} or less, or leave it unset for 95 %; or ask for more: ${MORE_QUOTA}`,
    };
  const own =
    quota.value === undefined
      ? `${dailyQuotaOf(max)} a day (${DAILY_QUOTA_SHARE * 100} % of the account's Max24HourSend of ${max})`
      : quota.value === 0
        ? `without counting (HERALD_DAILY_QUOTA=0), within the account's Max24HourSend of ${max}`
        : `${quota.value} a day (HERALD_DAILY_QUOTA), within the account's Max24HourSend of ${max}`;
  return { id: 'daily-quota', title, status: 'ok', found: `Herald may send ${own}; ${sentText}` };
}
