import type { siteFromEnv } from '#builders/site.ts';
import { env, readEnv } from '#config/env.ts';

/**
 * The suggestion form's settings, read at cold start: the limits per client, sender, friend and
 * domain, whether notes are allowed, and the proof of work's cost.
 */
export function suggestionsFromEnv(
  site: Pick<Awaited<ReturnType<typeof siteFromEnv>>, 'addressKey' | 'budget'>,
) {
  const config = readEnv({
    HERALD_SUGGEST_PER_CLIENT_PER_HOUR: env.HERALD_SUGGEST_PER_CLIENT_PER_HOUR,
    HERALD_SUGGEST_PER_SENDER_PER_HOUR: env.HERALD_SUGGEST_PER_SENDER_PER_HOUR,
    HERALD_SUGGEST_PER_FRIEND_PER_DAY: env.HERALD_SUGGEST_PER_FRIEND_PER_DAY,
    HERALD_SUGGEST_PER_DOMAIN_PER_HOUR: env.HERALD_SUGGEST_PER_DOMAIN_PER_HOUR,
    HERALD_SUGGEST_NOTES: env.HERALD_SUGGEST_NOTES,
    HERALD_PROOF_COST: env.HERALD_PROOF_COST,
  });
  return {
    notes: config.HERALD_SUGGEST_NOTES,
    proofCost: config.HERALD_PROOF_COST,
    accepting: {
      addressKey: site.addressKey,
      budget: site.budget,
      limits: {
        perClientPerHour: config.HERALD_SUGGEST_PER_CLIENT_PER_HOUR,
        perSenderPerHour: config.HERALD_SUGGEST_PER_SENDER_PER_HOUR,
        perFriendPerDay: config.HERALD_SUGGEST_PER_FRIEND_PER_DAY,
        perDomainPerHour: config.HERALD_SUGGEST_PER_DOMAIN_PER_HOUR,
      },
    },
  };
}
