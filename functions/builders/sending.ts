import { DynamoSendQuota, unlimitedQuota } from '#adapters/dynamodb-sending.ts';
import { sesSendQuota } from '#adapters/ses-mailer.ts';
import { dailyQuotaOf } from '#core/delivery/account-share.ts';
import type { SendQuota } from '#core/delivery/ports.ts';

/** The account's sending limits: mails a second, and a rolling day. */
export type AccountLimits = Awaited<ReturnType<typeof sesSendQuota>>;

/** Where a builder asks the account's limits (SES by default; a seam for tests and the local stack). */
export interface SendingClients {
  readonly accountLimits?: () => Promise<AccountLimits>;
}

/** Asks the account's limits (of SES unless `clients` says otherwise). */
export function askAccountLimits(clients: SendingClients = {}): Promise<AccountLimits> {
  return (clients.accountLimits ?? sesSendQuota)();
}

/**
 * The rate and daily quota Herald sends under: the configured ones, else the account's, asked of SES
 * once (only when configuration leaves one of them unset). The quota is the configured one, or
 * {@link dailyQuotaOf} the account's.
 */
export async function sendingLimits(
  config: {
    readonly HERALD_MAX_SEND_RATE?: number | undefined;
    readonly HERALD_DAILY_QUOTA?: number | undefined;
  },
  clients: SendingClients = {},
): Promise<{ readonly accountRate: number; readonly dailyQuota: number }> {
  const account =
    config.HERALD_MAX_SEND_RATE === undefined || config.HERALD_DAILY_QUOTA === undefined
      ? await askAccountLimits(clients)
      : undefined;
  return {
    accountRate: config.HERALD_MAX_SEND_RATE ?? account!.maxSendRate,
    dailyQuota: config.HERALD_DAILY_QUOTA ?? dailyQuotaOf(account!.max24HourSend),
  };
}

/** The daily quota every sender reserves in (digests and the public's mails alike); 0 counts nothing. */
export function dailySendQuota(table: string, dailyQuota: number, windowSeconds: number): SendQuota {
  return dailyQuota > 0 && Number.isFinite(dailyQuota)
    ? new DynamoSendQuota(table, dailyQuota, windowSeconds)
    : unlimitedQuota;
}
