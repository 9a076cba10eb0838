import { createHmac } from 'node:crypto';
import { createChallenge, randomInt, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { claimRow } from '#adapters/dynamodb-table.ts';
import type { ProofOfWork, ProofVerdict } from '#core/pages/ports.ts';

/** Which form a challenge is for: a proof solved for one is refused by the other. */
export type ProofForm = 'subscribe' | 'suggest';

/**
 * Proof of work with ALTCHA (self-hosted, no third-party call): signed challenges that expire after ten
 * minutes, bound to the client that asked (a keyed hash of its address rides in the signed challenge)
 * and to one form, and a solution that is accepted once — its challenge signature is claimed in the
 * table. One server cannot solve proofs for many visitors: each proof works only from where it was
 * asked for. `cost` is the mean number of SHA-256 rounds a solution takes (a phone does about a
 * second's worth by default; see the README).
 */
export class AltchaProofOfWork implements ProofOfWork {
  constructor(
    private readonly table: string,
    private readonly secret: string,
    private readonly cost: number,
  ) {}

  private clientTag(client: string, form: ProofForm): string {
    return createHmac('sha256', this.secret)
      .update(`herald:proof-client:${form}:${client}`)
      .digest('hex')
      .slice(0, 32);
  }

  async challenge(now: Date, client: string, form: ProofForm): Promise<object> {
    const min = Math.max(1, Math.floor(this.cost / 2));
    return createChallenge({
      algorithm: 'SHA-256',
      cost: 1,
      counter: randomInt(min + this.cost, min),
      data: { client: this.clientTag(client, form), form },
      deriveKey,
      hmacSignatureSecret: this.secret,
      expiresAt: new Date(now.getTime() + 600_000),
    } as Parameters<typeof createChallenge>[0]);
  }

  async verify(proof: string, now: Date, client: string, form: ProofForm): Promise<ProofVerdict> {
    let payload: {
      challenge?: { signature?: string; parameters?: { data?: Record<string, unknown> } };
      solution?: unknown;
    };
    try {
      payload = JSON.parse(Buffer.from(proof, 'base64').toString('utf8'));
    } catch {
      return 'invalid';
    }
    if (!payload?.challenge?.signature || !payload.solution) return 'invalid';
    const result = await verifySolution({
      challenge: payload.challenge,
      solution: payload.solution,
      deriveKey,
      hmacSignatureSecret: this.secret,
    } as Parameters<typeof verifySolution>[0]).catch(() => ({ verified: false, expired: false }));
    if (!result.verified || result.expired) return 'invalid';
    // Signed, so these are the server's own values: the client and the form it was given to.
    const data = payload.challenge.parameters?.data ?? {};
    if (data.form !== form || data.client !== this.clientTag(client, form)) return 'foreign';
    const fresh = await claimRow(
      this.table,
      {
        pk: `PROOF#${payload.challenge.signature}`,
        sk: 'PROOF',
        expiresAt: Math.floor(now.getTime() / 1000) + 3600,
      },
      { condition: 'attribute_not_exists(pk)', values: {} },
    );
    return fresh ? 'ok' : 'replayed';
  }
}
