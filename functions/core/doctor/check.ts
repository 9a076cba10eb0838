import type { Failure } from '#core/doctor/answers.ts';

/** `fail`: Herald cannot send until it is fixed; `warn`: it sends, but something is wrong or unknown. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

/** A DNS record to publish, e.g. `abc._domainkey.example.org CNAME abc.dkim.amazonses.com`. */
export interface DnsRecord {
  readonly name: string;
  readonly type: 'CNAME' | 'MX' | 'TXT';
  readonly value: string;
}

export interface DoctorCheck {
  readonly id:
    | 'account'
    | 'identity'
    | 'dkim'
    | 'mail-from'
    | 'configuration-set'
    | 'event-destination'
    | 'send-rate'
    | 'daily-quota'
    | 'token-keys'
    | 'address-key'
    | 'stack-outputs'
    | 'dns';
  readonly title: string;
  readonly status: CheckStatus;
  /** What was found. */
  readonly found: string;
  /** What to do: the console page, the command, or where the records are. */
  readonly fix?: string;
  readonly records?: readonly DnsRecord[];
}

export const recordLine = (record: DnsRecord) => `${record.name} ${record.type} ${record.value}`;

/**
 * A check that could not be made because its question got no answer: a warning that says why and what
 * would let it be made (an answer is never taken for a yes).
 */
export function unanswered(
  id: DoctorCheck['id'],
  title: string,
  failure: Failure,
  stack: 'local' | 'aws',
): DoctorCheck {
  const fix =
    failure.kind === 'denied'
      ? `allow ${failure.action} for the identity running herald`
      : stack === 'local'
        ? `the local stack could not answer ${failure.action}: run npm start of this version`
        : `try again; if it persists, check the region and network (${failure.action})`;
  return { id, title, status: 'warn', found: `not checked: ${failure.message}`, fix };
}
