import addressparser from 'nodemailer/lib/addressparser';
import { ConfigError } from '#core/errors.ts';

/**
 * The SES account the local stack stands in for: what the strict SES front enforces and what it
 * answers to GetAccount, GetEmailIdentity and GetConfigurationSet. One place for these numbers: the
 * sender's local pace (HERALD_MAX_SEND_RATE) defaults to a quarter of the account's rate, so a normal
 * run — or a test that doubles the pace — is never throttled.
 */
export interface SesAccount {
  readonly region: string;
  /** Recipients per second (SES's MaxSendRate). */
  readonly maxSendRate: number;
  /** Recipients per rolling 24 hours (SES's Max24HourSend), reported by GetAccount. */
  readonly max24HourSend: number;
  /** In the sandbox, every recipient must be a verified identity (or the mailbox simulator). */
  readonly sandbox: boolean;
  /** Verified identities, addresses or domains, lower case. */
  readonly verifiedIdentities: readonly string[];
  /** Configuration sets that exist (each with an EventBridge destination for bounces and complaints). */
  readonly configurationSets: readonly string[];
}

/** The configuration set the local stack's senders name, as CDK's senders name theirs on AWS. */
export const LOCAL_CONFIGURATION_SET = 'herald-local';
/** The local account's numbers unless HERALD_SES_MAX_SEND_RATE / HERALD_SES_MAX_24_HOUR_SEND say otherwise. */
export const LOCAL_MAX_SEND_RATE = 200;
export const LOCAL_MAX_24_HOUR_SEND = 200_000;
/** The sender's default local pace: a quarter of the account's rate. */
export const localSendRate = (account: Pick<SesAccount, 'maxSendRate'>) => account.maxSendRate / 4;
/** The sender's default local daily budget: a quarter of the account's quota. */
export const localDailyQuota = (account: Pick<SesAccount, 'max24HourSend'>) =>
  Math.floor(account.max24HourSend / 4);

const DEFAULT_FROM = 'Herald <digest@herald.example.org>';

/**
 * The local account from the environment: HERALD_SES_SANDBOX=true, HERALD_SES_VERIFIED_IDENTITIES
 * (comma-separated addresses or domains, besides the domain of HERALD_FROM_ADDRESS, which is always
 * verified), HERALD_SES_MAX_SEND_RATE, HERALD_SES_MAX_24_HOUR_SEND. Refuses bad values with the fix.
 */
export function localSesAccount(env: NodeJS.ProcessEnv = process.env): SesAccount {
  const number = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0)
      throw new ConfigError(`${name} must be a positive number, not "${value}"`);
    return parsed;
  };
  const sandbox = env.HERALD_SES_SANDBOX ?? '';
  if (!['', 'true', 'false'].includes(sandbox))
    throw new ConfigError(`HERALD_SES_SANDBOX must be "true" or "false", not "${sandbox}"`);
  const listed = (env.HERALD_SES_VERIFIED_IDENTITIES ?? '')
    .split(',')
    .map((identity) => identity.trim().toLowerCase())
    .filter(Boolean);
  for (const identity of listed) {
    if (!/^[^\s@]+(@[^\s@]+)?$/.test(identity) || !/^[\x21-\x7e]+$/.test(identity))
      throw new ConfigError(
        `HERALD_SES_VERIFIED_IDENTITIES holds "${identity}": give addresses or domains, separated by commas`,
      );
  }
  return {
    region: env.AWS_REGION || 'us-east-1',
    maxSendRate: number('HERALD_SES_MAX_SEND_RATE', LOCAL_MAX_SEND_RATE),
    max24HourSend: number('HERALD_SES_MAX_24_HOUR_SEND', LOCAL_MAX_24_HOUR_SEND),
    sandbox: sandbox === 'true',
    verifiedIdentities: [...new Set([fromDomain(env.HERALD_FROM_ADDRESS || DEFAULT_FROM), ...listed])],
    configurationSets: [LOCAL_CONFIGURATION_SET],
  };
}

function fromDomain(from: string): string {
  const address = addressparser(from, { flatten: true })[0]?.address ?? '';
  const at = address.lastIndexOf('@');
  if (at < 1)
    throw new ConfigError(`HERALD_FROM_ADDRESS must hold an address, like "Herald <digest@example.org>"`);
  return address.slice(at + 1).toLowerCase();
}
