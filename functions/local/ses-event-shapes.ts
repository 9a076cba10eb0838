import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import type { SesEventDetail } from '#core/subscriptions/ses-events.ts';

export interface SesEventOptions {
  readonly transient?: boolean;
  readonly region?: string;
  readonly configurationSet?: string;
  /** The send's message id (SES's answer to SendEmail), and its From. */
  readonly messageId?: string;
  readonly source?: string;
  /**
   * A bounce SES makes itself for an address on the account's suppression list (no mail is sent):
   * subtype `OnAccountSuppressionList`, SES's own diagnostic.
   */
  readonly onSuppressionList?: boolean;
  /** A complaint's feedback type; `null` leaves it out, as the mailbox simulator's complaints do. */
  readonly feedbackType?: string | null;
}

const SUPPRESSED_DIAGNOSTIC =
  'Amazon SES did not send the message to this address because it is on the suppression list for your account. For more information about removing addresses from the suppression list, see the Amazon SES Developer Guide at https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html';

/**
 * The events an SES configuration set's EventBridge destination delivers for a bounce or a complaint —
 * built here because the SES emulator produces none. Field names and values follow the SES event
 * publishing format (`detail-type` "Email Bounced" / "Email Complaint Received", source `aws.ses`).
 */
export function sesEvent(
  kind: 'bounce' | 'complaint',
  address: string,
  options: SesEventOptions = {},
): EventBridgeEvent<string, SesEventDetail> {
  const now = new Date().toISOString();
  const region = options.region ?? 'us-east-1';
  const mail = {
    timestamp: now,
    source: options.source ?? 'digest@herald.example.org',
    messageId: options.messageId ?? randomUUID(),
    destination: [address],
    headersTruncated: false,
    tags: { 'ses:configuration-set': [options.configurationSet ?? 'herald'] },
  };
  const detail =
    kind === 'bounce'
      ? {
          eventType: 'Bounce',
          bounce: {
            feedbackId: randomUUID(),
            bounceType: options.transient ? ('Transient' as const) : ('Permanent' as const),
            bounceSubType: options.transient
              ? 'MailboxFull'
              : options.onSuppressionList
                ? 'OnAccountSuppressionList'
                : 'General',
            bouncedRecipients: [
              {
                emailAddress: address,
                action: 'failed',
                status: options.transient ? '4.2.2' : '5.1.1',
                diagnosticCode: options.transient
                  ? 'smtp; 452 4.2.2 mailbox full'
                  : options.onSuppressionList
                    ? SUPPRESSED_DIAGNOSTIC
                    : 'smtp; 550 5.1.1 user unknown',
              },
            ],
            timestamp: now,
            reportingMTA: options.onSuppressionList ? 'dns; amazonses.com' : 'dns; local',
          },
          mail,
        }
      : {
          eventType: 'Complaint',
          complaint: {
            feedbackId: randomUUID(),
            complaintSubType: null,
            complainedRecipients: [{ emailAddress: address }],
            timestamp: now,
            ...(options.feedbackType === null
              ? {}
              : { complaintFeedbackType: options.feedbackType ?? 'abuse' }),
            arrivalDate: now,
          },
          mail,
        };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': kind === 'bounce' ? 'Email Bounced' : 'Email Complaint Received',
    source: 'aws.ses',
    account: '000000000000',
    time: now,
    region,
    resources: [
      `arn:aws:ses:${region}:000000000000:configuration-set/${options.configurationSet ?? 'herald'}`,
    ],
    detail: detail as SesEventDetail,
  };
}
