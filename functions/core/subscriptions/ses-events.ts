import { type AddressKey, subscriberIdFor } from '#core/subscriptions/address-hash.ts';
import { type LifecyclePorts, suppressAddress } from '#core/subscriptions/lifecycle.ts';
import { normalizeEmail } from '#core/subscriptions/subscriber.ts';

/** The `detail` of an SES event as the configuration set's EventBridge destination delivers it. */
export interface SesEventDetail {
  readonly eventType: string;
  readonly bounce?: {
    readonly bounceType: 'Permanent' | 'Transient' | 'Undetermined';
    readonly bouncedRecipients: ReadonlyArray<{ readonly emailAddress: string }>;
  };
  readonly complaint?: { readonly complainedRecipients: ReadonlyArray<{ readonly emailAddress: string }> };
  readonly mail?: { readonly messageId?: string };
}

export type SesEventOutcome = {
  readonly action: 'suppressed' | 'soft-bounce' | 'ignored';
  readonly subscriberIds: string[];
};

/**
 * Bounces and complaints: a permanent bounce or a complaint suppresses the address at once; transient
 * bounces are counted and suppress after `softBounceLimit`; deliveries and anything else are ignored.
 */
export async function handleSesEvent(
  ports: LifecyclePorts,
  key: AddressKey,
  settings: { readonly softBounceLimit: number },
  detail: SesEventDetail,
  now: Date,
): Promise<SesEventOutcome> {
  const suppress = async (addresses: readonly string[], reason: 'bounce' | 'complaint') => {
    const ids: string[] = [];
    for (const address of addresses) {
      await suppressAddress(ports, key, address, reason, now);
      ids.push(subscriberIdFor(key, address));
    }
    return { action: 'suppressed' as const, subscriberIds: ids };
  };
  if (detail.eventType === 'Complaint' && detail.complaint) {
    return suppress(
      detail.complaint.complainedRecipients.map((r) => r.emailAddress),
      'complaint',
    );
  }
  if (detail.eventType === 'Bounce' && detail.bounce) {
    const addresses = detail.bounce.bouncedRecipients.map((r) => r.emailAddress);
    if (detail.bounce.bounceType === 'Permanent') return suppress(addresses, 'bounce');
    const ids: string[] = [];
    for (const address of addresses) {
      const subscriber = await ports.subscribers.get(subscriberIdFor(key, normalizeEmail(address)));
      if (!subscriber) continue;
      const softBounces = (subscriber.softBounces ?? 0) + 1;
      if (softBounces >= settings.softBounceLimit) await suppressAddress(ports, key, address, 'bounce', now);
      else await ports.subscribers.put({ ...subscriber, softBounces, updatedAt: now.toISOString() });
      ids.push(subscriber.id);
    }
    return { action: 'soft-bounce', subscriberIds: ids };
  }
  return { action: 'ignored', subscriberIds: [] };
}
