import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import type { SesEventDetail } from '#core/subscriptions/ses-events.ts';

/**
 * The events an SES configuration set's EventBridge destination delivers for a bounce or a complaint —
 * built here because the SES emulator produces none. Field names and values follow the SES event
 * publishing format (`detail-type` "Email Bounced" / "Email Complaint Received", source `aws.ses`).
 */
export function sesEvent(
  kind: 'bounce' | 'complaint',
  address: string,
  options: { transient?: boolean; region?: string; configurationSet?: string } = {},
): EventBridgeEvent<string, SesEventDetail> {
  const now = new Date().toISOString();
  const region = options.region ?? 'us-east-1';
  const mail = {
    timestamp: now,
    source: 'digest@herald.example.org',
    messageId: randomUUID(),
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
            bounceSubType: options.transient ? 'MailboxFull' : 'General',
            bouncedRecipients: [
              {
                emailAddress: address,
                action: 'failed',
                status: options.transient ? '4.2.2' : '5.1.1',
                diagnosticCode: options.transient
                  ? 'smtp; 452 4.2.2 mailbox full'
                  : 'smtp; 550 5.1.1 user unknown',
              },
            ],
            timestamp: now,
            reportingMTA: 'dns; local',
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
            complaintFeedbackType: 'abuse',
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
